/* extract.c - file bytes to text (see text.h): kind by extension, binary sniffing, PDFs
 * through pdftotext, user converters through /bin/sh; HTML is html.c's, the zip formats
 * office.c's and sheet.c's, database exports rows.c's. */
#include "index/text/text.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/proc.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

/* A converter or pdftotext that runs longer than this is killed. */
#define EXTRACT_TIMEOUT_MS (120 * 1000)
/* More output than this from one converter is an error, not an index entry. */
#define EXTRACT_MAX_OUTPUT ((size_t)256 << 20)

static const char *const code_ext[] = {
	"bash", "c", "cc", "cjs", "clj", "cmake", "cpp", "cs", "css", "cxx", "dart", "el", "erl",
	"ex", "exs", "fish", "fs", "go", "gradle", "groovy", "h", "hh", "hpp", "hs", "hxx",
	"ini", "java", "jl", "js", "json", "jsx", "kt", "kts", "less", "lisp", "lua", "m",
	"mjs", "mk", "ml", "mli", "nim", "nix", "php", "pl", "pm", "proto", "ps1", "py", "r",
	"rb", "rs", "s", "scala", "scm", "scss", "sh", "sql", "swift", "tcl", "tf", "toml",
	"ts", "tsx", "v", "vim", "vue", "xml", "yaml", "yml", "zig", "zsh",
};
/* Formats that are never text: without a converter they are "binary file", unsniffed. */
static const char *const other_ext[] = {
	"7z", "a", "avi", "bin", "bmp", "bz2", "class", "dll", "doc", "dylib",
	"exe", "flac", "gif", "gz", "ico", "jar", "jpeg", "jpg", "mkv", "mov", "mp3", "mp4",
	"o", "ogg", "otf", "png", "ppt", "pyc", "rar", "so", "sqlite",
	"tar", "tgz", "tif", "tiff", "ttf", "wasm", "wav", "webm", "webp", "woff", "woff2", "xls",
	"xz", "zip", "zst",
};
/* Zips of XML read by text_from_doc / text_from_sheet, and row formats. */
static const char *const doc_ext[] = {"docx", "epub", "odp", "odt", "pptx"};
static const char *const table_ext[] = {"csv", "jsonl", "ndjson", "ods", "tab", "tsv", "xlsx"};

static int cmp_ci(const void *key, const void *elem)
{
	return strcasecmp(key, *(const char *const *)elem);
}

/* list is sorted case-insensitively. */
static int in_list(const char *ext, const char *const *list, size_t n)
{
	return bsearch(ext, list, n, sizeof *list, cmp_ci) != NULL;
}

/* The extension of path's last component without the dot, or "" (".bashrc" has none). */
static const char *ext_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	return dot && dot != base ? dot + 1 : "";
}

enum text_kind text_kind_of(const char *path)
{
	const char *e = ext_of(path);
	if (!*e)
		return TEXT_PLAIN;
	if (!strcasecmp(e, "md") || !strcasecmp(e, "markdown") || !strcasecmp(e, "mdx"))
		return TEXT_MARKDOWN;
	if (!strcasecmp(e, "html") || !strcasecmp(e, "htm") || !strcasecmp(e, "xhtml"))
		return TEXT_HTML;
	if (!strcasecmp(e, "pdf"))
		return TEXT_PDF;
	if (in_list(e, code_ext, sizeof code_ext / sizeof *code_ext))
		return TEXT_CODE;
	if (in_list(e, other_ext, sizeof other_ext / sizeof *other_ext))
		return TEXT_OTHER;
	if (in_list(e, doc_ext, sizeof doc_ext / sizeof *doc_ext))
		return TEXT_DOC;
	if (in_list(e, table_ext, sizeof table_ext / sizeof *table_ext))
		return TEXT_TABLE;
	return TEXT_PLAIN;
}

enum text_kind text_kind_sniff(const char *path, const char *data, size_t len)
{
	enum text_kind k = text_kind_of(path);
	if (k == TEXT_CODE && data && !strcasecmp(ext_of(path), "json") && text_is_json_rows(data, len))
		return TEXT_TABLE;
	return k;
}

static bool zipped(const char *ext)
{
	return !strcasecmp(ext, "xlsx") || !strcasecmp(ext, "ods");
}

bool text_zipped(const char *path)
{
	return text_kind_of(path) == TEXT_DOC || zipped(ext_of(path));
}

static bool utf16_bom(const char *data, size_t len)
{
	return len >= 2 && ((data[0] == '\xFF' && data[1] == '\xFE') || (data[0] == '\xFE' && data[1] == '\xFF'));
}

int text_is_binary(const char *data, size_t len)
{
	/* UTF-16 text is full of NUL bytes; its byte order mark says what it is. */
	if (utf16_bom(data, len) && len % 2 == 0)
		return 0;
	size_t n = len < 8192 ? len : 8192, ctl = 0;
	if (memchr(data, '\0', n))
		return 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)data[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B &&
		     c != '\v') || c == 0x7F)
			ctl++;
	}
	return ctl * 10 > n;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(s, prefix, n);
}

bool text_written_by_footnote(const char *data, size_t len)
{
	if (!data)
		return false;
	if (len > 512)
		len = 512;
	if (starts(data, len, "\xEF\xBB\xBF")) {
		data += 3;
		len -= 3;
	}
	if (starts(data, len, "<!-- written by footnote"))
		return true;
	if (starts(data, len, "---\n") || starts(data, len, "---\r\n")) {
		size_t eol = data[3] == '\r' ? 5 : 4;
		return starts(data + eol, len - eol, "# written by footnote") ||
		       starts(data + eol, len - eol, "footnote_session:");
	}
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", data[i]))
		i++;
	if (i == len || data[i] != '{')
		return false;
	const char *key = memmem(data + i, len - i, "\"format\"", 8);
	if (!key)
		return false;
	const char *p = key + 8, *end = data + len;
	while (p < end && strchr(" \t\r\n:", *p))
		p++;
	return starts(p, (size_t)(end - p), "\"footnote-session\"");
}

/* ---- running programs --------------------------------------------------------------- */

/* Runs argv[0] (searched in PATH) through base/proc.h (stdin and stderr on /dev/null, its
 * own process group, killed after the timeout or past the output cap) with its stdout into
 * out (empty on entry). Returns 0, or -1 with err set ("WHAT exited with status N"); *missing is set when the
 * program does not exist. */
static int run_capture(const char *what, const char *const argv[], struct buf *out, int *missing,
		       char *err, size_t errlen)
{
	struct proc_opts o = {.argv = argv, .out_cap = EXTRACT_MAX_OUTPUT, .timeout_ms = EXTRACT_TIMEOUT_MS};
	struct proc_result r;
	int rc = proc_run(&o, &r);
	*missing = r.error == ENOENT;
	if (rc == 0) {
		buf_free(out);
		*out = r.out; /* out was empty: take the buffer instead of copying it */
	} else {
		proc_explain(&o, &r, what, err, errlen);
		buf_free(&r.out);
	}
	return rc;
}

/* Appends s single-quoted for /bin/sh: every ' becomes '\'' so nothing breaks out. */
static void shell_quote(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

/* The command with each %s replaced by the quoted path and %% by %. */
static char *expand_command(const char *cmd, const char *path)
{
	struct buf b = {0};
	for (const char *p = cmd; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			shell_quote(&b, path);
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			buf_addc(&b, '%');
			p++;
		} else {
			buf_addc(&b, *p);
		}
	}
	return buf_detach(&b);
}

/* Counts the bytes that are not UTF-8 and the well-formed multi-byte sequences. */
static void utf8_census(const char *s, size_t len, size_t *bad, size_t *multi)
{
	*bad = *multi = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n <= 0) {
			(*bad)++;
			i++;
			continue;
		}
		*multi += n > 1;
		i += (size_t)n;
	}
}

/* Appends s converted from `from` to UTF-8. A byte the encoding leaves undefined (five in
 * Windows-1252) is read as Latin-1 when `latin1`, else the conversion fails. */
static bool iconv_into(const char *from, const char *s, size_t len, bool latin1, struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return false;
	char *in = (char *)s;
	size_t inleft = len;
	bool ok = true;
	while (inleft) {
		char *dst = buf_reserve(out, inleft * 4 + 16);
		size_t room = inleft * 4 + 16, before = room;
		size_t r = iconv(cd, &in, &inleft, &dst, &room);
		buf_commit(out, before - room);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EILSEQ && latin1) {
			char tmp[4];
			buf_add(out, tmp, utf8_encode((unsigned char)*in, tmp));
			in++;
			inleft--;
			continue;
		}
		ok = false; /* EINVAL: a truncated sequence at the end; EILSEQ: not this encoding */
		break;
	}
	iconv_close(cd);
	return ok;
}

/* Text that is not UTF-8, as UTF-8: UTF-16 by its byte order mark, else Windows-1252 (which
 * reads Latin-1 text the same, and gives curly quotes and dashes their meaning). Text with
 * a UTF-8 byte order mark, or with well-formed UTF-8 sequences among the bad bytes, is
 * UTF-8 with damage: it is repaired (U+FFFD), and the note says how many bytes. Returns the
 * note for the file (in note[notelen]) or NULL when there is nothing to say; out holds the
 * decoded text when the note says "decoded". */
static const char *decode_text(const char *s, size_t len, struct buf *out, char *note, size_t notelen)
{
	size_t bad, multi;
	bool bom8 = len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3);
	if (!bom8 && utf16_bom(s, len)) {
		bool le = s[0] == '\xFF';
		if (iconv_into(le ? "UTF-16LE" : "UTF-16BE", s + 2, len - 2, false, out)) {
			snprintf(note, notelen, "decoded as %s", le ? "UTF-16LE (byte order mark)"
								   : "UTF-16BE (byte order mark)");
			return note;
		}
		buf_free(out);
		snprintf(note, notelen, "a UTF-16 byte order mark, but not UTF-16: invalid bytes replaced");
		return note;
	}
	utf8_census(s, len, &bad, &multi);
	if (!bad)
		return NULL;
	if (!bom8 && !multi && iconv_into("WINDOWS-1252", s, len, true, out)) {
		snprintf(note, notelen, "decoded as Windows-1252 (not valid UTF-8)");
		return note;
	}
	buf_free(out);
	snprintf(note, notelen, "not valid UTF-8: %zu %s replaced with U+FFFD", bad, bad == 1 ? "byte" : "bytes");
	return note;
}

/* Text as the chunker wants it: no BOM, LF line ends, no NUL bytes, valid UTF-8. */
static void normalize(const char *s, size_t len, struct buf *out)
{
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
		s += 3;
		len -= 3;
	}
	struct buf tmp = {0};
	char *dst = buf_reserve(&tmp, len);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\r') {
			if (i + 1 < len && s[i + 1] == '\n')
				continue;
			c = '\n';
		} else if (c == '\0') {
			continue;
		}
		dst[n++] = c;
	}
	buf_commit(&tmp, n);
	utf8_repair(tmp.p, tmp.len, out);
	buf_free(&tmp);
}

int text_extract(const char *path, const char *data, size_t len,
		 const struct text_converter *conv, size_t nconv, struct buf *out,
		 char *err, size_t errlen)
{
	const char *ext = ext_of(path);
	if (err && errlen)
		err[0] = '\0';
	char dummy[8];
	if (!err || errlen == 0) {
		err = dummy;
		errlen = sizeof dummy;
	}
	if (!data)
		len = 0;
	for (size_t i = 0; *ext && i < nconv; i++) {
		const char *ce = conv[i].ext;
		if (!ce || !conv[i].command)
			continue;
		if (*ce == '.')
			ce++;
		if (strcasecmp(ce, ext) != 0)
			continue;
		char *cmd = expand_command(conv[i].command, path);
		const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
		struct buf raw = {0};
		int missing;
		int rc = run_capture("converter", argv, &raw, &missing, err, errlen);
		free(cmd);
		if (rc == 0)
			normalize(raw.p ? raw.p : "", raw.len, out);
		buf_free(&raw);
		return rc;
	}
	enum text_kind kind = text_kind_of(path);
	if (kind == TEXT_PDF) {
		const char *argv[] = {"pdftotext", "-layout", "-enc", "UTF-8", path, "-", NULL};
		struct buf raw = {0};
		int missing;
		int rc = run_capture("pdftotext", argv, &raw, &missing, err, errlen);
		if (rc != 0 && missing)
			snprintf(err, errlen, "pdftotext not found: install poppler-utils");
		if (rc == 0)
			normalize(raw.p ? raw.p : "", raw.len, out);
		buf_free(&raw);
		return rc;
	}
	if (kind == TEXT_DOC || (kind == TEXT_TABLE && zipped(ext))) {
		struct buf raw = {0};
		int rc = kind == TEXT_DOC ? text_from_doc(ext, data ? data : "", len, &raw, err, errlen)
					  : text_from_sheet(ext, data ? data : "", len, &raw, err, errlen);
		if (rc == 0)
			normalize(raw.p ? raw.p : "", raw.len, out);
		buf_free(&raw);
		return rc;
	}
	if (kind == TEXT_CODE && data && !strcasecmp(ext, "json") && text_is_json_rows(data, len))
		kind = TEXT_TABLE;
	if (text_written_by_footnote(data, len)) {
		snprintf(err, errlen, "%s", TEXT_OWN_EXPORT);
		return -1;
	}
	/* Known binary formats (images, archives, office files) without a converter are
	 * skipped like any binary file, even when their first bytes look like text. */
	if (kind == TEXT_OTHER || text_is_binary(data ? data : "", len)) {
		snprintf(err, errlen, "binary file");
		return -1;
	}
	/* From here on the bytes are text: decode them when they are not UTF-8. */
	struct buf decoded = {0};
	if (decode_text(data ? data : "", len, &decoded, err, errlen) && !strncmp(err, "decoded", 7)) {
		data = decoded.p ? decoded.p : "";
		len = decoded.len;
	}
	if (kind == TEXT_HTML) {
		struct buf tmp = {0};
		if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
			text_from_html(data + 3, len - 3, &tmp);
		else
			text_from_html(data ? data : "", len, &tmp);
		normalize(tmp.p ? tmp.p : "", tmp.len, out);
		buf_free(&tmp);
		buf_free(&decoded);
		return 0;
	}
	if (kind == TEXT_TABLE) {
		struct buf tmp = {0}, norm = {0};
		normalize(data ? data : "", len, &norm); /* UTF-8, no BOM, no CR */
		int rc = text_from_rows(ext, norm.p ? norm.p : "", norm.len, &tmp, err, errlen);
		if (rc == 0)
			buf_add(out, tmp.p ? tmp.p : "", tmp.len);
		buf_free(&tmp);
		buf_free(&norm);
		buf_free(&decoded);
		return rc;
	}
	normalize(data ? data : "", len, out);
	buf_free(&decoded);
	return 0;
}
