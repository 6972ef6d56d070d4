/* cost.h - what an answer cost: the model's prices (config prices:, per million tokens) times
 * the tokens the server counted, in integer micro-units of the currency, so sums over a
 * conversation or an eval run never drift.
 *
 * A price is read from the config's number once, rounded to a micro-unit per million
 * tokens; from then on every step is integer arithmetic. The cost of one answer is
 * (prompt * input + completion * output) / 1,000,000 micro-units, rounded half up; the cost
 * of many answers is the sum of theirs. A model without a price has no cost ("priced"
 * false), which is not the same as a cost of 0 (the builtin answerer: priced, free).
 * Pure; any thread. */
#ifndef FN_COST_H
#define FN_COST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

struct price {
	int64_t input, output; /* micro-units per million tokens */
	bool known;
};

/* The price of model (exact id) from cfg->prices; builtin is known and free. */
struct price cost_price(const struct config *cfg, const char *provider_kind, const char *model);
/* Micro-units for prompt and completion tokens at p; 0 when p is not known. Saturates at
 * INT64_MAX instead of overflowing. */
int64_t cost_micros(const struct price *p, long long prompt_tokens, long long completion_tokens);
/* micros as money: "$0.0012" under one unit (4 decimals, rounded half up), "$12.35" from
 * one unit up (cents, rounded half up); the currency is written before the number when it is
 * a symbol of one character, after it otherwise ("0.0012 EUR"). Returns out. */
char *cost_format(int64_t micros, const char *currency, char *out, size_t len);
/* micros rounded half up to cents, as "12.35" (no currency); for tests and CSV. */
char *cost_cents(int64_t micros, char *out, size_t len);

#endif
