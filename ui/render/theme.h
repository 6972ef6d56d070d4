/* theme.h - colour themes: themes/NAME.yaml sets semantic slots (see themes/default.yaml).
 * UI thread. */
#ifndef FN_THEME_H
#define FN_THEME_H

#include "ui/term/term.h"

/* Fills styles[SLOT_COUNT] with the built-in defaults, then applies dir/NAME.yaml. A bad
 * value keeps that slot's default and is reported in *warn ("file:line: ...", caller
 * frees; NULL when all is well). Returns -1 when the theme file cannot be read (the
 * defaults stay and *warn says why). */
int theme_load(const char *dir, const char *name, struct slot_style *styles, char **warn);

#endif
