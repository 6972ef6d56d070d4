/* export.c - a session written to a file as Markdown or JSON (session.h session_export). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/xmalloc.h"
#include "core/session/session.h"

char *session_render(const struct session *s, const char *format)
{
	return !strcmp(format, "json") ? session_to_json(s) : session_to_markdown(s);
}

int session_export(const struct session *s, const char *format, const char *file, const char *dir,
		   char **written, char **err)
{
	*written = NULL;
	if (strcmp(format, "md") && strcmp(format, "json")) {
		*err = xasprintf("unknown format \"%s\": md or json", format);
		return -1;
	}
	char *path;
	if (file) {
		path = xstrdup(file);
	} else {
		char *name = session_export_name(s, format);
		path = xasprintf("%s/%s", dir, name);
		free(name);
	}
	int rc = file ? 0 : fs_mkdir_all(dir, 0700);
	char *text = session_render(s, format);
	if (rc == 0)
		rc = fs_write_atomic(path, text, strlen(text), 0600);
	free(text);
	if (rc < 0) {
		*err = xasprintf("cannot write %s: %s", path, strerror(-rc));
		free(path);
		return -1;
	}
	*written = path;
	return 0;
}

void session_short_time(const char *iso, char out[17])
{
	snprintf(out, 17, "%.10s %.5s", iso, strlen(iso) > 11 ? iso + 11 : "");
}
