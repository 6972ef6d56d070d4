/* fuzz_render.c - Markdown to screen lines (ui/render/md.h md_render, what the chat pane draws) on
 * sanitized text at widths 1..80. Checks what the pane code relies on: spans cover each line
 * exactly, lines hold whole UTF-8 characters and fit the width (under 3 columns a line may
 * hold one wide character, after a code block's one-column margin; the chat pane is never
 * that narrow). The first byte picks the width and how many sources the markers may name. */
#include <locale.h>
#include <string.h>

#include "base/sanitize.h"
#include "tests/fuzz/fuzz.h"
#include "ui/term/term.h"
#include "ui/render/md.h"
#include "ui/render/wrap.h"

static void check_lines(const struct lines *l, int width)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct line *ln = &l->v[i];
		size_t at = 0;
		for (size_t j = 0; j < ln->nspans; j++) {
			FUZZ_CHECK(ln->spans[j].start == at);
			at += ln->spans[j].len;
		}
		FUZZ_CHECK(at == ln->len);
		FUZZ_CHECK(fuzz_utf8_ok(ln->text, ln->len));
		FUZZ_CHECK(text_width(ln->text, ln->len) <= (width < 3 ? 3 : width));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init++)
		setlocale(LC_CTYPE, "C.UTF-8");
	if (!size)
		return 0;
	int width = data[0] % 80 + 1;
	struct buf text = {0};
	sanitize((const char *)data + 1, size - 1, 0, &text);
	struct lines l = {0};
	struct md_opts o = {.width = width, .base_slot = SLOT_CHAT_ASSISTANT,
			    .nsources = data[0] & 0x80 ? 3 : 0};
	md_render(buf_str(&text), text.len, &o, &l);
	check_lines(&l, width);
	lines_clear(&l);
	wrap_plain(buf_str(&text), text.len, width, SLOT_DEFAULT, &l);
	check_lines(&l, width);
	lines_free(&l);
	buf_free(&text);
	return 0;
}
