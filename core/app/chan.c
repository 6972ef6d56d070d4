/* chan.c - mutex + FIFO + eventfd from workers to the UI thread (see chan.h). */
#include "core/app/chan.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/xmalloc.h"

struct chan {
	pthread_mutex_t lock;
	struct chan_msg *head, *tail;
	int fd;
};

struct chan *chan_new(void)
{
	struct chan *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	c->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->fd < 0)
		abort();
	return c;
}

void chan_free(struct chan *c)
{
	if (!c)
		return;
	for (struct chan_msg *m = c->head, *next; m; m = next) {
		next = m->next;
		chan_msg_free(m);
	}
	close(c->fd);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int chan_fd(const struct chan *c)
{
	return c->fd;
}

void chan_send(struct chan *c, struct chan_msg *m)
{
	m->next = NULL;
	pthread_mutex_lock(&c->lock);
	int was_empty = c->head == NULL;
	if (c->tail)
		c->tail->next = m;
	else
		c->head = m;
	c->tail = m;
	pthread_mutex_unlock(&c->lock);
	/* One wake per empty->non-empty transition is enough: the taker drains everything. */
	if (was_empty) {
		uint64_t one = 1;
		while (write(c->fd, &one, sizeof one) < 0 && errno == EINTR)
			;
	}
}

struct chan_msg *chan_take(struct chan *c)
{
	uint64_t n;
	while (read(c->fd, &n, sizeof n) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&c->lock);
	struct chan_msg *m = c->head;
	c->head = c->tail = NULL;
	pthread_mutex_unlock(&c->lock);
	return m;
}

void chan_msg_free(struct chan_msg *m)
{
	if (m->free)
		m->free(m);
	else
		free(m);
}
