/* commands.c - the slash commands and their completion (see commands.h). */
#include "ui/tui/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "core/answer/cost.h"
#include "core/app/config.h"
#include "ui/tui/help_overlay.h"
#include "ui/tui/loop.h"
#include "ui/tui/pick_sessions.h"
#include "ui/tui/save.h"
#include "ui/tui/turns.h"

static const char *const commands[] = {"profile", "model", "compare", "new", "sessions", "export", "reindex", "cost",
				       "help", "quit"};

void commands_run(struct tui *t, const char *line)
{
	char name[32] = "";
	const char *arg = line + 1 + strcspn(line + 1, " ");
	snprintf(name, sizeof name, "%.*s", (int)strcspn(line + 1, " "), line + 1);
	while (*arg == ' ')
		arg++;
	if (!strcmp(name, "quit") || !strcmp(name, "q")) {
		t->quit = true;
	} else if (!strcmp(name, "help")) {
		help_toggle(t);
	} else if (!strcmp(name, "profile")) {
		const struct cfg_profile *p = config_profile(t->cfg, arg);
		if (p) {
			profiles_switch(t, p);
		} else {
			struct buf names = {0};
			for (size_t i = 0; i < t->cfg->profiles.n; i++)
				buf_addf(&names, "%s%s", i ? ", " : "", t->cfg->profiles.v[i].name);
			status_notice(t, true, "no profile \"%s\"; profiles: %s", arg, buf_str(&names));
			buf_free(&names);
		}
	} else if (!strcmp(name, "new")) {
		save_close(t);
		conv_clear(t);
		status_notice(t, false, "new conversation");
	} else if (!strcmp(name, "reindex")) {
		if (t->w.watch) {
			idx_watch_rescan(t->w.watch);
			status_notice(t, false, "rescanning the folders…");
		} else {
			status_notice(t, true, "the index is not open: %s", t->st.idx_error ? t->st.idx_error : "");
		}
	} else if (!strcmp(name, "cost")) {
		struct conv_cost c;
		conv_cost(t, &c);
		char money[48];
		cost_format(c.micros, t->cfg->currency, money, sizeof money);
		status_notice(t, false, "%s for %zu answer%s, %lld+%lld tokens%s", money, c.answers,
			      c.answers == 1 ? "" : "s", c.prompt_tokens, c.completion_tokens,
			      c.unpriced ? "; models without a price not counted (prices: in the config)" : "");
	} else if (!strcmp(name, "sessions")) {
		pick_sessions_open(t);
	} else if (!strcmp(name, "export")) {
		save_export(t, arg);
	} else if (!strcmp(name, "model")) {
		profiles_set_model(t, arg);
	} else if (!strcmp(name, "compare")) {
		turns_compare(t, arg);
	} else {
		status_notice(t, true, "unknown command /%s (try /help)", name);
	}
}

/* Whether the input ends in a profile name being typed: the argument of "/profile", or
 * one of the first two of "/compare". */
static const char *completing_profile(const char *in)
{
	const char *last = strrchr(in, ' ');
	if (!last)
		return NULL;
	if (!strncmp(in, "/profile ", 9) && last == in + 8)
		return last + 1;
	if (strncmp(in, "/compare ", 9))
		return NULL;
	int words = 0;
	for (const char *p = in + 8; p < last; p++)
		words += *p == ' ' && p[1] != ' ';
	return words <= 1 ? last + 1 : NULL;
}

bool commands_complete(struct tui *t)
{
	const char *in = buf_str(&t->in.text);
	size_t word = strcspn(in, " ");
	const char *arg = completing_profile(in);
	bool profile_arg = arg != NULL;
	if (!t->in.text.len || in[0] != '/' || t->in.cursor != t->in.text.len || (word < t->in.text.len && !profile_arg))
		return false;
	const char *prefix = profile_arg ? arg : in + 1;
	size_t pl = strlen(prefix), n = 0, common = 0;
	const char *first = NULL;
	struct buf list = {0};
	size_t count = profile_arg ? t->cfg->profiles.n : sizeof commands / sizeof *commands;
	for (size_t i = 0; i < count; i++) {
		const char *c = profile_arg ? t->cfg->profiles.v[i].name : commands[i];
		if (strncmp(c, prefix, pl))
			continue;
		if (!first) {
			first = c;
			common = strlen(c);
		} else {
			size_t k = 0;
			while (k < common && c[k] == first[k])
				k++;
			common = k;
		}
		buf_addf(&list, "%s%s%s", n++ ? " " : "", profile_arg ? "" : "/", c);
	}
	if (!n) {
		status_notice(t, true, "no %s starts with \"%s\"", profile_arg ? "profile" : "command", prefix);
	} else {
		struct buf nb = {0};
		buf_add(&nb, in, (size_t)(prefix - in));
		buf_add(&nb, first, common);
		if (n == 1)
			buf_addc(&nb, ' ');
		else
			status_notice(t, false, "%s", buf_str(&list));
		buf_free(&t->in.text);
		t->in.text = nb;
		t->in.cursor = t->in.text.len;
	}
	buf_free(&list);
	t->dirty = true;
	return true;
}
