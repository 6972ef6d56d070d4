/* extract_bench.c - extraction throughput per format (issue 17): the file bytes read per
 * second by text_extract (and chunking) for .docx .odt .pptx .epub made by pandoc, .xlsx
 * .ods made by LibreOffice, and .csv .jsonl written here, all from the same synthetic
 * material. Peer: `pandoc -t plain` reading the same .docx/.odt/.epub. A format whose tool
 * is missing gets an info row saying so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "index/text/text.h"
#include "tests/bench/bench.h"

static const char *const words[] = {"harbor", "lantern", "quarry", "meadow", "falcon", "granite",
				    "orchard", "willow", "beacon", "ember", "policy", "budget"};

static void sentence(struct buf *b, uint64_t *s, int n)
{
	for (int i = 0; i < n; i++)
		buf_addf(b, "%s%s", i ? " " : "", words[bench_mix(s) % 12]);
	buf_adds(b, ".");
}

static bool tool(const char *name)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* Seconds per extraction of path (best of a few runs over at least 1 s), text bytes out. */
static double extract_time(const char *path, size_t *bytes, size_t *text)
{
	size_t len;
	char *data = bench_slurp(path, &len);
	*bytes = len;
	double best = 1e9, t0 = bench_now();
	int runs = 0;
	while (runs < 3 || (bench_now() - t0 < 1.0 && runs < 50)) {
		struct buf out = {0};
		char err[256] = "";
		double a = bench_now();
		if (text_extract(path, data, len, NULL, 0, &out, err, sizeof err) != 0)
			bench_die("extract_bench: %s: %s", path, err);
		struct chunk_list l = {0};
		if (text_kind_sniff(path, data, len) == TEXT_TABLE)
			chunk_rows(buf_str(&out), out.len, NULL, &l);
		else
			chunk_text(buf_str(&out), out.len, TEXT_MARKDOWN, NULL, &l);
		double d = bench_now() - a;
		if (d < best)
			best = d;
		*text = out.len;
		chunk_list_free(&l);
		buf_free(&out);
		runs++;
	}
	free(data);
	return best;
}

static void row(const char *ext, const char *path, const char *peer_cmd)
{
	size_t bytes, text;
	double t = extract_time(path, &bytes, &text);
	double peer = NAN;
	if (peer_cmd) {
		double a = bench_now();
		if (system(peer_cmd) == 0)
			peer = (double)bytes / 1e6 / (bench_now() - a);
	}
	char m[160];
	snprintf(m, sizeof m, "extract+chunk .%s (%.1f MB file, %.1f MB text), file MB/s", ext, (double)bytes / 1e6,
		 (double)text / 1e6);
	bench_row("17", m, (double)bytes / 1e6 / t, "MB/s", peer_cmd ? "pandoc -t plain" : NULL, peer, "-", "info");
}

int main(void)
{
	char dir[1024], src[1100], cmd[9000], path[1100];
	snprintf(dir, sizeof dir, "%s/extract", bench_dir());
	bench_rmrf(dir);
	bench_mkdirs(dir);
	uint64_t s = 17;
	/* ~1 MB of Markdown: sections with paragraphs, lists and tables. */
	struct buf md = {0};
	for (int i = 0; md.len < (1u << 20); i++) {
		buf_addf(&md, "# Section %d\n\n", i);
		for (int p = 0; p < 3; p++) {
			sentence(&md, &s, 40);
			buf_adds(&md, "\n\n");
		}
		buf_adds(&md, "- ");
		sentence(&md, &s, 6);
		buf_adds(&md, "\n- ");
		sentence(&md, &s, 6);
		buf_adds(&md, "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n");
	}
	snprintf(src, sizeof src, "%s/src.md", dir);
	bench_write(src, md.p, md.len);
	buf_free(&md);
	/* ~4 MB of rows. */
	struct buf csv = {0}, jl = {0};
	buf_adds(&csv, "id,name,place,amount,note\n");
	for (int i = 0; csv.len < (4u << 20); i++) {
		buf_addf(&csv, "%d,%s,%s,%d,\"%s %s\"\n", i, words[bench_mix(&s) % 12], words[bench_mix(&s) % 12],
			 (int)(bench_mix(&s) % 10000), words[bench_mix(&s) % 12], words[bench_mix(&s) % 12]);
		buf_addf(&jl, "{\"id\": %d, \"name\": \"%s\", \"amount\": %d}\n", i, words[bench_mix(&s) % 12],
			 (int)(bench_mix(&s) % 10000));
	}
	snprintf(path, sizeof path, "%s/rows.csv", dir);
	bench_write(path, csv.p, csv.len);
	snprintf(path, sizeof path, "%s/rows.jsonl", dir);
	bench_write(path, jl.p, jl.len);
	/* A smaller sheet for LibreOffice to convert in reasonable time. */
	snprintf(path, sizeof path, "%s/sheet.csv", dir);
	bench_write(path, csv.p, csv.len / 4);
	buf_free(&csv);
	buf_free(&jl);

	snprintf(path, sizeof path, "%s/rows.csv", dir);
	row("csv", path, NULL);
	snprintf(path, sizeof path, "%s/rows.jsonl", dir);
	row("jsonl", path, NULL);
	const char *pd[] = {"docx", "odt", "epub", "pptx"};
	for (int i = 0; i < 4; i++) {
		if (!tool("pandoc")) {
			bench_row("17", pd[i], NAN, "-", NULL, NAN, "-", "info: pandoc is not installed");
			continue;
		}
		snprintf(path, sizeof path, "%s/doc.%s", dir, pd[i]);
		snprintf(cmd, sizeof cmd, "pandoc --metadata title=bench '%s' -o '%s' 2>/dev/null", src, path);
		if (system(cmd) != 0)
			bench_die("extract_bench: pandoc could not write %s", path);
		char peer[2400];
		snprintf(peer, sizeof peer, "pandoc -t plain '%s' -o /dev/null 2>/dev/null", path);
		row(pd[i], path, i < 3 ? peer : NULL);
	}
	const char *lo[] = {"xlsx", "ods"};
	for (int i = 0; i < 2; i++) {
		if (!tool("soffice")) {
			bench_row("17", lo[i], NAN, "-", NULL, NAN, "-", "info: soffice is not installed");
			continue;
		}
		snprintf(cmd, sizeof cmd,
			 "soffice -env:UserInstallation=file://%s/lo --headless --convert-to %s --outdir '%s' '%s/sheet.csv' >/dev/null 2>&1",
			 dir, lo[i], dir, dir);
		snprintf(path, sizeof path, "%s/sheet.%s", dir, lo[i]);
		if (system(cmd) != 0)
			bench_die("extract_bench: soffice could not write %s", path);
		row(lo[i], path, NULL);
	}
	return 0;
}
