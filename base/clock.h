/* clock.h - the one clock: monotonic time for intervals and deadlines, wall-clock time for
 * stamps a person or a file reads. Any thread may call these; none allocates. */
#ifndef FN_CLOCK_H
#define FN_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC (never jumps with the wall clock), for deadlines and
 * timeouts. Only differences mean anything. */
int64_t clock_ms(void);
/* The same clock with sub-millisecond precision, for measured latencies. */
double clock_ms_f(void);
/* The current wall-clock time in UTC as ISO 8601, "2026-01-31T12:34:56Z", into out (at least
 * CLOCK_ISO_LEN bytes). Returns out. */
enum { CLOCK_ISO_LEN = 24 };
char *clock_iso_utc(char *out, size_t len);

#endif
