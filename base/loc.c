/* loc.c - a passage's location in the words of its kind of file (see loc.h). */
#include "base/loc.h"

#include <string.h>
#include <strings.h>

static const char *ext_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	return dot && dot != base ? dot + 1 : "";
}

static bool is(const char *e, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(e, *list))
			return true;
	return false;
}

const char *loc_unit(const char *path)
{
	const char *e = ext_of(path ? path : "");
	if (is(e, (const char *const[]){"pptx", "odp", NULL}))
		return "slide";
	if (!strcasecmp(e, "epub"))
		return "chapter";
	if (is(e, (const char *const[]){"xlsx", "ods", NULL}))
		return "sheet";
	return "page";
}

bool loc_rows(const char *path)
{
	return is(ext_of(path ? path : ""), (const char *const[]){"csv", "tsv", "tab", "jsonl", "ndjson", "xlsx", "ods", NULL});
}

bool loc_document(const char *path)
{
	return is(ext_of(path ? path : ""),
		  (const char *const[]){"pdf", "docx", "pptx", "xlsx", "odt", "odp", "ods", "epub", NULL});
}

void loc_unit_append(struct buf *b, const char *path, uint32_t page, const char *heading)
{
	const char *u = loc_unit(path);
	if (!strcmp(u, "sheet") && heading && *heading)
		buf_addf(b, " sheet %s", heading);
	else if (page)
		buf_addf(b, " %s %u", u, (unsigned)page);
}

void loc_append(struct buf *b, const char *path, uint32_t page, const char *heading, uint32_t ls, uint32_t le,
		bool compact)
{
	const char *u = loc_unit(path);
	if (loc_rows(path)) {
		loc_unit_append(b, path, page, heading);
		if (!strcmp(u, "sheet") && (page || (heading && *heading)))
			buf_addc(b, ',');
		if (ls == le)
			buf_addf(b, " row %u", (unsigned)ls);
		else
			buf_addf(b, " rows %u-%u", (unsigned)ls, (unsigned)le);
		return;
	}
	if (page) {
		if (compact && !strcmp(u, "page"))
			buf_addf(b, " p.%u", (unsigned)page);
		else
			buf_addf(b, " %s %u", u, (unsigned)page);
	}
	buf_addf(b, ":%u-%u", (unsigned)ls, (unsigned)le);
}
