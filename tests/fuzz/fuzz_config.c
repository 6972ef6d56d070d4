/* fuzz_config.c - the config loader (core/app/config.h) on any file. The bytes are written to
 * a memfd and loaded through its /proc path, as `--config FILE` would. Checks that loading
 * either succeeds or fails with one sanitized line that starts with the file's name and a
 * line number, and that a loaded config is complete (every profile has a provider that
 * exists). */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/app/config.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz-config.yaml", 0);
		FUZZ_CHECK(fd >= 0);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	FUZZ_CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);

	struct config *c = NULL;
	char *err = NULL;
	if (config_load(path, &c, &err) == 0) {
		FUZZ_CHECK(c && !err);
		FUZZ_CHECK(config_profile(c, c->default_profile));
		for (size_t i = 0; i < c->profiles.n; i++)
			FUZZ_CHECK(config_provider(c, c->profiles.v[i].provider));
		config_free(c);
	} else {
		FUZZ_CHECK(!c && err);
		FUZZ_CHECK(!strncmp(err, path, strlen(path)) && err[strlen(path)] == ':');
		FUZZ_CHECK(!strchr(err, '\n'));
		FUZZ_CHECK(fuzz_utf8_ok(err, strlen(err)));
		free(err);
	}
	return 0;
}
