/* datadir.c - finding the shipped data (see datadir.h). */
#include "core/app/datadir.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FN_DATADIR
#define FN_DATADIR "/usr/local/share/footnote"
#endif

static char data_dir[PATH_MAX] = FN_DATADIR;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static bool has_themes(const char *dir)
{
	char t[PATH_MAX + 32];
	snprintf(t, sizeof t, "%s/themes/default.yaml", dir);
	return access(t, R_OK) == 0;
}

static void find(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	/* Installed: PREFIX/bin/footnote next to PREFIX/share/footnote. */
	char dir[PATH_MAX];
	if (snprintf(dir, sizeof dir, "%s/../share/footnote", exe) < (int)sizeof dir && has_themes(dir) &&
	    realpath(dir, data_dir))
		return;
	/* A checkout: build/MODE/footnote under the tree that has themes/. */
	for (int up = 0; up < 4; up++) {
		if (has_themes(exe)) {
			snprintf(data_dir, sizeof data_dir, "%s", exe);
			return;
		}
		slash = strrchr(exe, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
}

const char *app_data_dir(void)
{
	pthread_once(&once, find);
	return data_dir;
}
