/* cost.c - an answer's cost in integer micro-units (see cost.h). */
#include "core/answer/cost.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/app/config.h"

static int64_t to_micros(double per_mtok)
{
	return per_mtok > 0 ? (int64_t)llround(per_mtok * 1e6) : 0;
}

struct price cost_price(const struct config *cfg, const char *provider_kind, const char *model)
{
	struct price p = {0, 0, false};
	if (provider_kind && !strcmp(provider_kind, "builtin")) {
		p.known = true;
		return p;
	}
	for (size_t i = 0; cfg && model && i < cfg->prices.n; i++)
		if (!strcmp(cfg->prices.v[i].name, model)) {
			p.input = to_micros(cfg->prices.v[i].input);
			p.output = to_micros(cfg->prices.v[i].output);
			p.known = true;
			break;
		}
	return p;
}

/* tokens * price, in micro-units times a million; false on overflow. */
static bool mul(long long tokens, int64_t price, int64_t *out)
{
	if (tokens <= 0 || price <= 0) {
		*out = 0;
		return true;
	}
	return !__builtin_mul_overflow((int64_t)tokens, price, out);
}

int64_t cost_micros(const struct price *p, long long prompt_tokens, long long completion_tokens)
{
	int64_t a, b, sum;
	if (!p->known)
		return 0;
	if (!mul(prompt_tokens, p->input, &a) || !mul(completion_tokens, p->output, &b) ||
	    __builtin_add_overflow(a, b, &sum))
		return INT64_MAX;
	return sum / 1000000 + (sum % 1000000 >= 500000);
}

/* v / div rounded half up, v >= 0. */
static int64_t round_div(int64_t v, int64_t div)
{
	return v / div + (v % div >= div / 2);
}

char *cost_cents(int64_t micros, char *out, size_t len)
{
	int64_t c = round_div(micros < 0 ? 0 : micros, 10000);
	snprintf(out, len, "%lld.%02lld", (long long)(c / 100), (long long)(c % 100));
	return out;
}

char *cost_format(int64_t micros, const char *currency, char *out, size_t len)
{
	char num[40];
	if (micros < 0)
		micros = 0;
	if (micros < 1000000) {
		int64_t t = round_div(micros, 100); /* ten-thousandths */
		if (t >= 10000)
			snprintf(num, sizeof num, "1.00");
		else
			snprintf(num, sizeof num, "0.%04lld", (long long)t);
	} else {
		cost_cents(micros, num, sizeof num);
	}
	const char *cur = currency ? currency : "";
	if (strlen(cur) <= 1 || (unsigned char)cur[0] >= 0x80)
		snprintf(out, len, "%s%s", cur, num);
	else
		snprintf(out, len, "%s %s", num, cur);
	return out;
}
