/* fuzz_theme.c - the theme loader (ui/render/theme.h) on any file, written to a private temporary
 * directory as NAME.yaml. Checks that every slot ends with colours in -1..255 and that a
 * warning is one sanitized line. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"
#include "ui/term/term.h"
#include "ui/render/theme.h"

static char dir[] = "/tmp/fn-fuzz-theme.XXXXXX";

static void cleanup(void)
{
	char path[sizeof dir + 16];
	snprintf(path, sizeof path, "%s/t.yaml", dir);
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[sizeof dir + 16];
	if (!path[0]) {
		FUZZ_CHECK(mkdtemp(dir));
		snprintf(path, sizeof path, "%s/t.yaml", dir);
		atexit(cleanup);
	}
	FILE *f = fopen(path, "wb");
	FUZZ_CHECK(f && fwrite(data, 1, size, f) == size && fclose(f) == 0);

	struct slot_style st[SLOT_COUNT];
	char *warn = NULL;
	FUZZ_CHECK(theme_load(dir, "t", st, &warn) == 0);
	for (int i = 0; i < SLOT_COUNT; i++)
		FUZZ_CHECK(st[i].fg >= -1 && st[i].fg <= 255 && st[i].bg >= -1 && st[i].bg <= 255);
	if (warn) {
		FUZZ_CHECK(!strchr(warn, '\n'));
		FUZZ_CHECK(fuzz_utf8_ok(warn, strlen(warn)));
		free(warn);
	}
	return 0;
}
