/* profiles.h - the profile answers go to: the current one, /model overrides per profile
 * for this session, F2's picker (in the picker engine) and /profile, /model. Owns
 * t->prof. UI thread only. */
#ifndef FN_TUI_PROFILES_H
#define FN_TUI_PROFILES_H

#include <stddef.h>

struct tui;
struct cfg_profile;

struct profiles {
	const struct cfg_profile *cur;
	char **models;               /* per profile: /model override, or NULL; NULL until one */
};

size_t profiles_index(const struct tui *t, const struct cfg_profile *p);
/* The model p answers with: its /model override, else the configured one ("extractive"
 * for the builtin). Valid while the override stands. */
const char *profiles_model(const struct tui *t, const struct cfg_profile *p);
/* Makes p the current profile and says so in the status line. */
void profiles_switch(struct tui *t, const struct cfg_profile *p);
/* /model NAME: the current profile answers with NAME; /model alone goes back. */
void profiles_set_model(struct tui *t, const char *name);
/* Opens the profile picker on the current profile. */
void profiles_pick(struct tui *t);
void profiles_free(struct profiles *p, size_t nprofiles);

#endif
