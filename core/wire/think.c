/* think.c - the <think> holder: content -> answer text and reasoning (see think.h). */
#include "core/wire/think.h"

#include <string.h>

static const char think_open[] = "<think>";
static const char think_close[] = "</think>";

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

void think_init(struct think *t, enum stream_think mode, size_t hold_max)
{
	t->mode = mode;
	t->hold_max = hold_max ? hold_max : STREAM_THINK_HOLD_MAX;
}

void think_free(struct think *t)
{
	buf_free(&t->ws);
	buf_free(&t->held);
}

static void put_reason(struct think *t, struct buf *reason, char c)
{
	if (t->skip_ws_reason && is_ws(c))
		return;
	t->skip_ws_reason = false;
	buf_addc(reason, c);
}

static void put_text(struct think *t, struct buf *text, const char *p, size_t n)
{
	while (t->skip_ws_text && n > 0 && is_ws(*p)) {
		p++;
		n--;
	}
	if (n > 0)
		t->skip_ws_text = false;
	buf_add(text, p, n);
}

static void put_reason_s(struct think *t, struct buf *reason, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_reason(t, reason, p[i]);
}

static bool hold_wanted(const struct think *t, bool model_strips)
{
	if (t->no_hold || t->mode == STREAM_THINK_TAG)
		return false;
	return t->mode == STREAM_THINK_NOOPEN || model_strips;
}

/* The held content was the answer after all: it goes out as text, in order, whole. */
static void held_release(struct think *t, struct buf *text)
{
	put_text(t, text, t->held.p ? t->held.p : "", t->held.len);
	buf_free(&t->held);
	t->state = THINK_OUT;
}

static bool held_ends(const struct think *t, const char *tag, size_t n)
{
	return t->held.len >= n && memcmp(t->held.p + t->held.len - n, tag, n) == 0;
}

/* THINK_HELD takes p[0..n) up to the next '>' (where a tag may end) or the bound, and decides
 * when it can: "</think>" ends the reasoning; "<think>" first, or the bound, means there was
 * no stripped block. Returns the bytes used. */
static size_t held_add(struct think *t, const char *p, size_t n, struct buf *text, struct buf *reason)
{
	size_t room = t->hold_max > t->held.len ? t->hold_max - t->held.len : 0;
	size_t take = n < room ? n : room;
	const char *gt = memchr(p, '>', take);
	if (gt)
		take = (size_t)(gt - p) + 1;
	buf_add(&t->held, p, take);
	if (gt && held_ends(t, think_close, sizeof think_close - 1)) {
		t->skip_ws_reason = true;
		put_reason_s(t, reason, t->held.p, t->held.len - (sizeof think_close - 1));
		buf_free(&t->held);
		t->state = THINK_OUT;
		t->skip_ws_text = true;
	} else if ((gt && held_ends(t, think_open, sizeof think_open - 1)) || t->held.len >= t->hold_max) {
		held_release(t, text);
	}
	return take;
}

void think_reasoning_field(struct think *t, struct buf *text)
{
	t->no_hold = true;
	if (t->state == THINK_HELD)
		held_release(t, text);
}

/* THINK_START looks at one byte c: white space before a tag, the next byte of "<think>", or
 * the first byte that decides there is no opening tag. */
static void start_byte(struct think *t, char c, bool model_strips, struct buf *text)
{
	if (t->match == 0 && is_ws(c)) {
		buf_addc(&t->ws, c);
	} else if (c == think_open[t->match]) {
		if (++t->match == sizeof think_open - 1) {
			t->state = THINK_IN;
			t->match = 0;
			t->skip_ws_reason = true;
			buf_free(&t->ws);
		}
	} else if (hold_wanted(t, model_strips)) {
		/* No opening tag: hold, c included (the caller looks at it again), in case it
		 * was stripped. */
		t->state = THINK_HELD;
		buf_add(&t->held, t->ws.p ? t->ws.p : "", t->ws.len);
		buf_add(&t->held, think_open, t->match);
		t->match = 0;
		buf_free(&t->ws);
	} else {
		/* Not a think block: give back what was held, as text; c is looked at again. */
		t->state = THINK_OUT;
		put_text(t, text, t->ws.p ? t->ws.p : "", t->ws.len);
		put_text(t, text, think_open, t->match);
		t->match = 0;
		buf_free(&t->ws);
	}
}

/* Content goes through a small state machine so "<think>" and "</think>" are found however
 * the deltas cut them. Bytes that might be the start of a tag are held (at most 8, plus
 * leading white space) until the next byte decides. The common case, content that does not
 * start with "<think>", leaves THINK_START on its first non-blank byte and costs one copy. */
void think_content(struct think *t, const char *p, size_t n, bool model_strips, struct buf *text,
		   struct buf *reason)
{
	size_t i = 0;
	while (i < n) {
		if (t->state == THINK_OUT) {
			put_text(t, text, p + i, n - i);
			break;
		}
		if (t->state == THINK_HELD) {
			i += held_add(t, p + i, n - i, text, reason);
			continue;
		}
		char c = p[i];
		if (t->state == THINK_START) {
			start_byte(t, c, model_strips, text);
			/* The byte is used unless it decided the state (then it is looked at again). */
			if (t->state == THINK_START || t->state == THINK_IN)
				i++;
			continue;
		}
		/* THINK_IN */
		if (c == think_close[t->match]) {
			i++;
			if (++t->match == sizeof think_close - 1) {
				t->state = THINK_OUT;
				t->match = 0;
				t->skip_ws_text = true;
			}
			continue;
		}
		if (t->match > 0) {
			/* The held bytes were reasoning after all; c is looked at again, since it
			 * may start a new "</think>" ("<" is the only byte that can). */
			for (size_t k = 0; k < t->match; k++)
				put_reason(t, reason, think_close[k]);
			t->match = 0;
			continue;
		}
		put_reason(t, reason, c);
		i++;
	}
}

void think_flush(struct think *t, struct buf *text, struct buf *reason)
{
	if (t->state == THINK_START) {
		put_text(t, text, t->ws.p ? t->ws.p : "", t->ws.len);
		put_text(t, text, think_open, t->match);
	} else if (t->state == THINK_IN) {
		for (size_t k = 0; k < t->match; k++)
			put_reason(t, reason, think_close[k]);
	} else if (t->state == THINK_HELD) {
		held_release(t, text); /* no "</think>" came: it was all answer */
	}
	t->state = THINK_OUT;
	t->match = 0;
	buf_free(&t->ws);
}
