/* overlay.c - the overlay slot (see overlay.h). */
#include "ui/tui/overlay.h"

#include <stddef.h>

#include "ui/tui/loop.h"

void overlay_close(struct tui *t)
{
	if (t->ov.cls && t->ov.cls->free)
		t->ov.cls->free(t->ov.st);
	t->ov.cls = NULL;
	t->ov.st = NULL;
	t->dirty = true;
}

void overlay_open(struct tui *t, const struct overlay_class *cls, void *st)
{
	overlay_close(t);
	t->ov.cls = cls;
	t->ov.st = st;
}

bool overlay_is(const struct tui *t, const struct overlay_class *cls)
{
	return t->ov.cls == cls;
}

bool overlay_key(struct tui *t, int k)
{
	const struct overlay_class *cls = t->ov.cls;
	if (!cls)
		return false;
	void *st = t->ov.st;
	/* The handler may have opened another overlay in its place: only this one closes. */
	if (!cls->key(t, st, k) && t->ov.st == st)
		overlay_close(t);
	t->dirty = true;
	return true;
}

void overlay_draw(struct tui *t, int rows, int cols)
{
	if (t->ov.cls)
		t->ov.cls->draw(t, t->ov.st, rows, cols);
}
