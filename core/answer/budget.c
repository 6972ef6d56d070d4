/* budget.c - fitting a prompt's parts into a window (see budget.h). */
#include "core/answer/budget.h"

#include <string.h>

int budget_margin(int window)
{
	int m = window / 32;
	return m < 16 ? 16 : m;
}

void budget_fit(const struct budget_parts *in, struct budget_fit *out)
{
	memset(out, 0, sizeof *out);
	out->margin = budget_margin(in->window);
	int room = in->window - out->margin - in->fixed;
	int answer = in->answer > 0 ? in->answer : 0;
	/* The answer's room is what was asked for; only when the question itself would not fit
	 * does it give way, down to a quarter of the window. */
	int floor = in->window / 4;
	if (answer > room && answer > floor)
		answer = room > floor ? room : floor;
	out->answer = answer;
	out->too_small = room - answer < 0;
	int left = room - answer;
	out->left = left > 0 ? left : 0;
	int used = in->fixed;
	int cap = left < 0 ? 0 : in->history_half ? left / 2 : left;
	for (size_t i = 0; i < in->nhistory && in->history[i] <= cap - out->history_tokens; i++) {
		out->history_tokens += in->history[i];
		out->history++;
	}
	left -= out->history_tokens;
	used += out->history_tokens;
	for (size_t i = 0; i < in->nsources && in->sources[i] <= left; i++) {
		left -= in->sources[i];
		used += in->sources[i];
		out->sources++;
	}
	out->prompt = used;
}
