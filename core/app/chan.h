/* chan.h - the one channel from worker threads (net, index) to the UI thread.
 *
 * A mutex-protected FIFO plus an eventfd: a producer appends an owned message and bumps the
 * eventfd; the UI thread polls chan_fd() with its other fds, then chan_take() swaps the whole
 * queue out under the lock and handles it unlocked (redis bio.c, cmus job.c). No timers, no
 * polling: an idle client sleeps in poll().
 *
 * Messages embed `struct chan_msg` as their first member. Ownership passes to the channel
 * on chan_send and to the taker on chan_take; the taker frees each with chan_msg_free
 * (which calls the message's own free function). */
#ifndef FN_CHAN_H
#define FN_CHAN_H

#include <stdint.h>

struct chan_msg {
	struct chan_msg *next;
	int kind;      /* the sender's enum */
	uint64_t gen;  /* generation of the conversation turn it belongs to (0 = none) */
	void (*free)(struct chan_msg *m); /* NULL = plain free() */
};

struct chan;
struct chan *chan_new(void);
/* Frees the channel and any messages still queued. No thread may use it afterwards. */
void chan_free(struct chan *c);
/* The fd to poll for POLLIN. UI thread. */
int chan_fd(const struct chan *c);
/* Queues m (takes ownership). Any thread; never blocks beyond the short lock. */
void chan_send(struct chan *c, struct chan_msg *m);
/* Takes every queued message, oldest first (NULL when none) and clears the wake fd. */
struct chan_msg *chan_take(struct chan *c);
void chan_msg_free(struct chan_msg *m);

#endif
