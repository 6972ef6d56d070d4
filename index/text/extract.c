/* extract.c - file bytes to text (see text.h): kind by extension, binary sniffing, HTML to
 * text, PDFs through pdftotext, user converters through /bin/sh. */
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
	"7z", "a", "avi", "bin", "bmp", "bz2", "class", "dll", "doc", "docx", "dylib", "epub",
	"exe", "flac", "gif", "gz", "ico", "jar", "jpeg", "jpg", "mkv", "mov", "mp3", "mp4",
	"o", "odp", "ods", "odt", "ogg", "otf", "png", "ppt", "pptx", "pyc", "rar", "so", "sqlite",
	"tar", "tgz", "tif", "tiff", "ttf", "wasm", "wav", "webm", "webp", "woff", "woff2", "xls",
	"xlsx", "xz", "zip", "zst",
};

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
	return TEXT_PLAIN;
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

/* ---- HTML --------------------------------------------------------------------------- */

static const struct entity {
	const char *name;
	uint32_t cp;
} entities[] = { /* sorted by name (C locale) */
	{"AElig", 0xC6}, {"Aacute", 0xC1}, {"Agrave", 0xC0}, {"Auml", 0xC4}, {"Ccedil", 0xC7},
	{"Eacute", 0xC9}, {"Egrave", 0xC8}, {"Ntilde", 0xD1}, {"Oacute", 0xD3}, {"Ouml", 0xD6},
	{"Uuml", 0xDC}, {"aacute", 0xE1}, {"acirc", 0xE2}, {"aelig", 0xE6}, {"agrave", 0xE0},
	{"alpha", 0x3B1}, {"amp", '&'}, {"apos", '\''}, {"aring", 0xE5}, {"auml", 0xE4},
	{"beta", 0x3B2}, {"bull", 0x2022}, {"ccedil", 0xE7}, {"cent", 0xA2}, {"copy", 0xA9},
	{"dagger", 0x2020}, {"deg", 0xB0}, {"delta", 0x3B4}, {"divide", 0xF7}, {"eacute", 0xE9},
	{"ecirc", 0xEA}, {"egrave", 0xE8}, {"euml", 0xEB}, {"euro", 0x20AC}, {"gamma", 0x3B3},
	{"ge", 0x2265}, {"gt", '>'}, {"hellip", 0x2026}, {"iacute", 0xED}, {"icirc", 0xEE},
	{"iexcl", 0xA1}, {"iquest", 0xBF}, {"iuml", 0xEF}, {"lambda", 0x3BB}, {"laquo", 0xAB},
	{"larr", 0x2190}, {"ldquo", 0x201C}, {"le", 0x2264}, {"lsaquo", 0x2039}, {"lsquo", 0x2018},
	{"lt", '<'}, {"mdash", 0x2014}, {"micro", 0xB5}, {"middot", 0xB7}, {"minus", 0x2212},
	{"mu", 0x3BC}, {"nbsp", 0xA0}, {"ndash", 0x2013}, {"ne", 0x2260}, {"ntilde", 0xF1},
	{"oacute", 0xF3}, {"ocirc", 0xF4}, {"ouml", 0xF6}, {"para", 0xB6}, {"pi", 0x3C0},
	{"plusmn", 0xB1}, {"pound", 0xA3}, {"quot", '"'}, {"raquo", 0xBB}, {"rarr", 0x2192},
	{"rdquo", 0x201D}, {"reg", 0xAE}, {"rsaquo", 0x203A}, {"rsquo", 0x2019}, {"sect", 0xA7},
	{"sigma", 0x3C3}, {"szlig", 0xDF}, {"theta", 0x3B8}, {"times", 0xD7}, {"trade", 0x2122},
	{"uacute", 0xFA}, {"ucirc", 0xFB}, {"uuml", 0xFC}, {"yen", 0xA5},
};

/* HTML maps numeric references 0x80..0x9F to Windows-1252 (0 = keep as is). */
static const uint16_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
	0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Decodes the character reference at s[0..len) (s[0] == '&'). Returns the bytes used and
 * sets *cp, or 0 when it is not a valid reference (the '&' is then plain text). */
static size_t entity_at(const char *s, size_t len, uint32_t *cp)
{
	size_t i = 1;
	if (i < len && s[i] == '#') {
		i++;
		int hex = i < len && (s[i] == 'x' || s[i] == 'X');
		if (hex)
			i++;
		uint32_t v = 0;
		size_t d0 = i;
		for (; i < len && i - d0 < 8; i++) {
			char c = s[i];
			int dv;
			if (c >= '0' && c <= '9')
				dv = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				dv = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				dv = c - 'A' + 10;
			else
				break;
			v = v * (hex ? 16 : 10) + (uint32_t)dv;
		}
		if (i == d0 || i >= len || s[i] != ';')
			return 0;
		if (v >= 0x80 && v <= 0x9F && cp1252[v - 0x80])
			v = cp1252[v - 0x80];
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return 0;
		*cp = v;
		return i + 1;
	}
	char name[16];
	size_t n = 0;
	while (i < len && n < sizeof name - 1 && is_alnum(s[i]))
		name[n++] = s[i++];
	if (n == 0 || i >= len || s[i] != ';')
		return 0;
	name[n] = '\0';
	size_t lo = 0, hi = sizeof entities / sizeof *entities;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, entities[mid].name);
		if (c == 0) {
			*cp = entities[mid].cp;
			return i + 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

enum { TAG_INLINE, TAG_LINE, TAG_PARA, TAG_CELL, TAG_SKIP };

static const struct tagkind {
	const char *name;
	unsigned char kind;
} tags[] = { /* sorted */
	{"address", TAG_PARA}, {"article", TAG_PARA}, {"aside", TAG_PARA},
	{"blockquote", TAG_PARA}, {"br", TAG_LINE}, {"caption", TAG_LINE}, {"dd", TAG_LINE},
	{"details", TAG_PARA}, {"div", TAG_LINE}, {"dl", TAG_PARA}, {"dt", TAG_LINE},
	{"figcaption", TAG_LINE}, {"figure", TAG_PARA}, {"footer", TAG_PARA}, {"form", TAG_PARA},
	{"h1", TAG_PARA}, {"h2", TAG_PARA}, {"h3", TAG_PARA}, {"h4", TAG_PARA}, {"h5", TAG_PARA},
	{"h6", TAG_PARA}, {"head", TAG_SKIP}, {"header", TAG_PARA}, {"hr", TAG_PARA},
	{"li", TAG_LINE}, {"main", TAG_PARA}, {"nav", TAG_PARA}, {"noscript", TAG_SKIP},
	{"ol", TAG_PARA}, {"p", TAG_PARA}, {"pre", TAG_PARA}, {"script", TAG_SKIP},
	{"section", TAG_PARA}, {"style", TAG_SKIP}, {"summary", TAG_LINE}, {"table", TAG_PARA},
	{"td", TAG_CELL}, {"template", TAG_SKIP}, {"th", TAG_CELL}, {"title", TAG_SKIP},
	{"tr", TAG_LINE}, {"ul", TAG_PARA},
};

static int tag_kind(const char *name)
{
	size_t lo = 0, hi = sizeof tags / sizeof *tags;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, tags[mid].name);
		if (c == 0)
			return tags[mid].kind;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return TAG_INLINE;
}

/* Finds the case-insensitive needle in h[from..len); returns its offset or len. */
static size_t find_ci(const char *h, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = from; i + n <= len; i++) {
		const char *p = memchr(h + i, '<', len - i);
		if (!p)
			break;
		i = (size_t)(p - h);
		if (i + n <= len && strncasecmp(h + i, needle, n) == 0)
			return i;
	}
	return len;
}

struct html_out {
	struct buf *b;
	int nl;       /* newlines at the end of what was written (2 = a blank line) */
	int space;    /* a collapsed space is pending */
	int pre;      /* inside <pre>: whitespace kept */
	int started;  /* some text was written */
};

static void html_break(struct html_out *o, int want)
{
	o->space = 0;
	if (!o->started)
		return;
	while (o->nl < want) {
		buf_addc(o->b, '\n');
		o->nl++;
	}
}

static void html_text(struct html_out *o, const char *s, size_t n)
{
	if (o->space && o->nl == 0 && o->started)
		buf_addc(o->b, ' ');
	o->space = 0;
	buf_add(o->b, s, n);
	o->nl = s[n - 1] == '\n' ? 1 : 0;
	o->started = 1;
}

/* HTML headings are written as Markdown ATX headings ("## Title") so that the chunker,
 * which treats TEXT_HTML like Markdown, gives HTML chunks heading paths too. */
void text_from_html(const char *h, size_t len, struct buf *out)
{
	struct html_out o = {out, 2, 0, 0, 0};
	size_t i = 0;
	while (i < len) {
		char c = h[i];
		if (c == '<' && i + 1 < len) {
			if (h[i + 1] == '!') {
				size_t end;
				if (i + 4 <= len && !strncmp(h + i, "<!--", 4)) {
					const char *p = memmem(h + i + 4, len - i - 4, "-->", 3);
					end = p ? (size_t)(p - h) + 3 : len;
				} else {
					const char *p = memchr(h + i, '>', len - i);
					end = p ? (size_t)(p - h) + 1 : len;
				}
				i = end;
				continue;
			}
			if (h[i + 1] == '?') {
				const char *p = memchr(h + i, '>', len - i);
				i = p ? (size_t)(p - h) + 1 : len;
				continue;
			}
			size_t j = i + 1;
			int closing = 0;
			if (h[j] == '/') {
				closing = 1;
				j++;
			}
			if (j < len && ((h[j] >= 'a' && h[j] <= 'z') || (h[j] >= 'A' && h[j] <= 'Z'))) {
				char name[16];
				size_t n = 0;
				while (j < len && ((h[j] >= 'a' && h[j] <= 'z') || (h[j] >= 'A' && h[j] <= 'Z') ||
						   (h[j] >= '0' && h[j] <= '9') || h[j] == '-')) {
					if (n < sizeof name - 1)
						name[n++] = (char)(h[j] | 0x20);
					j++;
				}
				name[n] = '\0';
				/* Skip attributes up to '>', honouring quotes. */
				char q = 0;
				while (j < len && (q || h[j] != '>')) {
					if (q && h[j] == q)
						q = 0;
					else if (!q && (h[j] == '"' || h[j] == '\''))
						q = h[j];
					j++;
				}
				i = j < len ? j + 1 : len;
				int kind = tag_kind(name);
				if (kind == TAG_SKIP && !closing) {
					/* The content of script/style/head goes too; a head without its end tag
					 * ends where the body begins. */
					char endtag[24];
					snprintf(endtag, sizeof endtag, "</%s", name);
					size_t e = find_ci(h, len, i, endtag);
					if (!strcmp(name, "head")) {
						size_t body = find_ci(h, len, i, "<body");
						if (body < e)
							e = body;
					}
					i = e;
				} else if (kind == TAG_PARA || kind == TAG_LINE) {
					html_break(&o, kind == TAG_PARA ? 2 : 1);
					if (!strcmp(name, "pre"))
						o.pre = !closing;
					if (!closing && name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]) {
						char mark[8];
						int lv = name[1] - '0';
						memset(mark, '#', (size_t)lv);
						html_text(&o, mark, (size_t)lv);
						o.space = 1;
					}
				} else if (kind == TAG_CELL && !closing) {
					o.space = 1;
				}
				continue;
			}
		}
		if (c == '&') {
			uint32_t cp;
			size_t n = entity_at(h + i, len - i, &cp);
			if (n) {
				char enc[4];
				size_t k = utf8_encode(cp == 0xA0 ? ' ' : cp, enc);
				html_text(&o, enc, k);
				i += n;
				continue;
			}
		}
		if (!o.pre && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) {
			if (o.started && o.nl == 0)
				o.space = 1;
			i++;
			continue;
		}
		/* A run of plain text up to the next markup or whitespace. */
		size_t j = i + 1;
		while (j < len && h[j] != '<' && h[j] != '&' &&
		       (o.pre || (h[j] != ' ' && h[j] != '\t' && h[j] != '\n' && h[j] != '\r' && h[j] != '\f')))
			j++;
		html_text(&o, h + i, j - i);
		i = j;
	}
	if (o.started && o.nl == 0)
		buf_addc(out, '\n');
	else if (o.started && o.nl > 1)
		out->p[out->len -= (size_t)o.nl - 1] = '\0';
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
	normalize(data ? data : "", len, out);
	buf_free(&decoded);
	return 0;
}
