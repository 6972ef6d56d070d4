/* watch.c - the watcher thread (see idx.h).
 *
 * Watches are added first and the first full sync runs after, so nothing written during
 * the sync is missed. A new directory gets its watch before it is walked (sync_paths walks
 * it), so files created in it meanwhile are either seen by the walk or reported by the
 * watch. Events are collected as paths and applied DEBOUNCE_MS after the last one (at most
 * DEBOUNCE_MAX_MS after the first) in one sync_paths call, so a delete and a create of the
 * same content in that window become a move, and an editor's write-temp-then-rename save is
 * one update. The only timers: the debounce while events are pending, and the periodic
 * rescan once inotify watches run out, and the retry of pending vectors while chunks wait for
 * an embedder that failed. Otherwise the thread sleeps in poll with no timeout. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "base/hmap.h"
#include "index/idx.h"
#include "index/store/store.h"
#include "index/sync/pass.h"
#include "index/sync/sync.h"
#include "index/sync/walk.h"

#define DEBOUNCE_MS 50
#define DEBOUNCE_MAX_MS 200
#define RESCAN_MS 60000
/* Chunks stored while the embedder failed get their vectors when it answers again: asked
 * after FILL_FIRST_MS, then at doubling intervals up to FILL_MAX_MS (a server that is down
 * for an hour costs a dozen requests, not a busy loop). */
#define FILL_FIRST_MS 1000
#define FILL_MAX_MS 300000
#define WATCH_MASK (IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | \
		    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

struct wdent {
	int wd;
	char *path;
};

struct idx_watch {
	idx *ix;
	const struct idx_options *opt;
	const struct idx_embedder *emb;
	const struct idx_sink *sink;
	pthread_t th;
	int efd; /* wakes the thread: stop or rescan */
	bool stop;   /* atomic: also the stop flag of the syncs the thread runs */
	bool rescan; /* atomic */
	/* thread-only state */
	int ino;
	bool fallback;
	char **roots;
	struct wdent *wds;
	size_t nwds, capwds;
	struct u64map bywd; /* wd -> index in wds */
	char **pending;
	size_t npending, cappending;
	bool full;
	int64_t first_ms, last_ms;
	int64_t fill_at, fill_wait; /* next try for pending vectors (0 = none due) */
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(struct idx_watch *w, enum idx_event_kind kind, const char *msg)
{
	if (!w->sink || !w->sink->event)
		return;
	struct idx_event ev = {.kind = kind, .message = msg};
	w->sink->event(w->sink->ctx, &ev);
}

static void add_watch(void *ctx, const char *dir)
{
	struct idx_watch *w = ctx;
	if (w->fallback || w->ino < 0)
		return;
	int wd = inotify_add_watch(w->ino, dir, WATCH_MASK);
	if (wd < 0) {
		if (errno == ENOSPC || errno == ENOMEM) {
			w->fallback = true;
			char msg[300];
			snprintf(msg, sizeof msg,
				 "inotify watches ran out (raise fs.inotify.max_user_watches); rescanning every %d s instead",
				 RESCAN_MS / 1000);
			say(w, IDX_EV_WATCH, msg);
		}
		return;
	}
	int isnew;
	size_t *slot = u64map_put(&w->bywd, (uint64_t)wd, &isnew);
	if (!isnew) {
		free(w->wds[*slot].path);
		w->wds[*slot].path = xstrdup(dir);
		return;
	}
	w->wds = xgrow(w->wds, &w->capwds, w->nwds + 1, sizeof *w->wds);
	w->wds[w->nwds] = (struct wdent){wd, xstrdup(dir)};
	*slot = w->nwds++;
}

static const char *wd_path(struct idx_watch *w, int wd)
{
	size_t *slot = u64map_get(&w->bywd, (uint64_t)wd);
	return slot ? w->wds[*slot].path : NULL;
}

/* Forgets the watches of dir and everything below it (the directory moved away). */
static void drop_watches(struct idx_watch *w, const char *dir, bool rm)
{
	size_t n = strlen(dir);
	for (size_t i = 0; i < w->nwds; i++) {
		char *p = w->wds[i].path;
		if (p && strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/')) {
			if (rm)
				inotify_rm_watch(w->ino, w->wds[i].wd);
			free(p);
			w->wds[i].path = NULL;
		}
	}
}

static long root_of(struct idx_watch *w, const char *path)
{
	for (size_t i = 0; i < w->opt->nfolders; i++) {
		size_t n = w->roots[i] ? strlen(w->roots[i]) : 0;
		if (n && strncmp(path, w->roots[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return (long)i;
	}
	return -1;
}

static void watch_tree(struct idx_watch *w, const char *dir)
{
	long r = root_of(w, dir);
	if (r < 0)
		return;
	struct walk_cb cb = {add_watch, NULL, w, NULL};
	walk_tree(w->roots[r], dir, w->opt, &cb, &w->stop);
}

static void watch_all(struct idx_watch *w)
{
	for (size_t i = 0; i < w->opt->nfolders; i++)
		if (w->roots[i])
			watch_tree(w, w->roots[i]);
}

static void add_pending(struct idx_watch *w, const char *path)
{
	int64_t t = now_ms();
	if (!w->npending && !w->full)
		w->first_ms = t;
	w->last_ms = t;
	for (size_t i = 0; i < w->npending; i++)
		if (strcmp(w->pending[i], path) == 0)
			return;
	w->pending = xgrow(w->pending, &w->cappending, w->npending + 1, sizeof *w->pending);
	w->pending[w->npending++] = xstrdup(path);
}

static void want_full(struct idx_watch *w)
{
	int64_t t = now_ms();
	if (!w->npending && !w->full)
		w->first_ms = t;
	w->last_ms = t;
	w->full = true;
}

static void handle(struct idx_watch *w, const struct inotify_event *ev)
{
	if (ev->mask & IN_Q_OVERFLOW) {
		want_full(w);
		return;
	}
	const char *dir = wd_path(w, ev->wd);
	if (ev->mask & IN_IGNORED) {
		size_t *slot = u64map_get(&w->bywd, (uint64_t)ev->wd);
		if (slot) {
			free(w->wds[*slot].path);
			w->wds[*slot].path = NULL;
		}
		return;
	}
	if (!dir)
		return;
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
		/* A root that went away: the full sync sorts out what is left. */
		for (size_t i = 0; i < w->opt->nfolders; i++)
			if (w->roots[i] && strcmp(w->roots[i], dir) == 0)
				want_full(w);
		return;
	}
	if (!ev->len)
		return;
	char *path = xasprintf("%s/%s", dir, ev->name);
	if (strcmp(ev->name, ".gitignore") == 0) {
		want_full(w); /* the rules changed: every file below may be in or out now */
	} else if (ev->mask & IN_ISDIR) {
		if (ev->mask & (IN_MOVED_FROM | IN_DELETE))
			drop_watches(w, path, (ev->mask & IN_MOVED_FROM) != 0);
		if (ev->mask & (IN_CREATE | IN_MOVED_TO))
			watch_tree(w, path); /* watch first, then sync_paths walks it */
		add_pending(w, path);
	} else {
		add_pending(w, path);
	}
	free(path);
}

static void clear_pending(struct idx_watch *w)
{
	for (size_t i = 0; i < w->npending; i++)
		free(w->pending[i]);
	w->npending = 0;
	w->full = false;
}

/* After a sync: when chunks wait for vectors, schedule a try (sooner after a success). */
static void plan_fill(struct idx_watch *w, bool failed)
{
	struct idx_stats st;
	if (!w->emb || idx_stats(w->ix, &st) != 0 || !st.pending) {
		w->fill_at = 0;
		w->fill_wait = 0;
		return;
	}
	if (failed || !w->fill_wait)
		w->fill_wait = !w->fill_wait ? FILL_FIRST_MS
			       : w->fill_wait * 2 > FILL_MAX_MS ? FILL_MAX_MS : w->fill_wait * 2;
	w->fill_at = now_ms() + w->fill_wait;
}

static void try_fill(struct idx_watch *w)
{
	uint64_t pending = 0;
	int rc = sync_fill(w->ix, w->opt, w->emb, w->sink, &w->stop, &pending);
	if (rc == 0 && !pending) {
		w->fill_at = 0;
		w->fill_wait = 0;
		return;
	}
	plan_fill(w, true);
}

static void apply(struct idx_watch *w)
{
	if (w->full) {
		clear_pending(w);
		watch_all(w); /* directories created while events were lost */
		idx_sync(w->ix, w->opt, w->emb, w->sink, &w->stop);
	} else if (w->npending) {
		char **paths = w->pending;
		size_t n = w->npending;
		w->pending = NULL;
		w->npending = w->cappending = 0;
		sync_paths(w->ix, w->opt, w->emb, w->sink, &w->stop, paths, n);
		for (size_t i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
	}
	plan_fill(w, false);
}

static void drain_inotify(struct idx_watch *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->ino, buf, sizeof buf);
		if (n <= 0)
			return;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			handle(w, ev);
			p += sizeof *ev + ev->len;
		}
	}
}

static void *watch_main(void *arg)
{
	struct idx_watch *w = arg;
	w->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ino < 0) {
		w->fallback = true;
		say(w, IDX_EV_WATCH, "inotify is not available; rescanning every 60 s instead");
	}
	watch_all(w);
	if (!w->fallback) {
		char msg[100];
		snprintf(msg, sizeof msg, "watching %zu directories", w->bywd.n);
		say(w, IDX_EV_WATCH, msg);
	}
	idx_sync(w->ix, w->opt, w->emb, w->sink, &w->stop);
	plan_fill(w, false);
	int64_t next_rescan = now_ms() + RESCAN_MS;
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		int64_t t = now_ms();
		int timeout = -1;
		if (w->npending || w->full) {
			int64_t due = w->last_ms + DEBOUNCE_MS;
			if (due > w->first_ms + DEBOUNCE_MAX_MS)
				due = w->first_ms + DEBOUNCE_MAX_MS;
			timeout = due > t ? (int)(due - t) : 0;
		}
		if (w->fallback) {
			int r = next_rescan > t ? (int)(next_rescan - t) : 0;
			if (timeout < 0 || r < timeout)
				timeout = r;
		}
		if (w->fill_at) {
			int r = w->fill_at > t ? (int)(w->fill_at - t) : 0;
			if (timeout < 0 || r < timeout)
				timeout = r;
		}
		struct pollfd pf[2] = {{w->efd, POLLIN, 0}, {w->ino, POLLIN, 0}};
		int np = poll(pf, w->ino >= 0 ? 2 : 1, timeout);
		if (np < 0 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN) {
			uint64_t v;
			if (read(w->efd, &v, sizeof v) < 0 && errno != EAGAIN)
				break;
			if (__atomic_exchange_n(&w->rescan, false, __ATOMIC_ACQ_REL)) {
				want_full(w);
				w->first_ms = w->last_ms = 0; /* now, no debounce */
			}
		}
		if (w->ino >= 0 && (pf[1].revents & POLLIN))
			drain_inotify(w);
		if (__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE))
			break;
		t = now_ms();
		if (w->fallback && t >= next_rescan) {
			want_full(w);
			w->first_ms = w->last_ms = 0;
			next_rescan = t + RESCAN_MS;
		}
		if (w->npending || w->full) {
			int64_t due = w->last_ms + DEBOUNCE_MS;
			if (due > w->first_ms + DEBOUNCE_MAX_MS)
				due = w->first_ms + DEBOUNCE_MAX_MS;
			if (t >= due)
				apply(w);
		}
		if (w->fill_at && now_ms() >= w->fill_at)
			try_fill(w);
	}
	return NULL;
}

int idx_watch_start(idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
		    const struct idx_sink *sink, struct idx_watch **out)
{
	if (!ix || !opt || !out)
		return IDX_EINVAL;
	*out = NULL;
	struct idx_watch *w = xcalloc(1, sizeof *w);
	w->ix = ix;
	w->opt = opt;
	w->emb = emb;
	w->sink = sink;
	w->ino = -1;
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0) {
		free(w);
		return IDX_EIO;
	}
	w->roots = sync_roots(opt);
	if (pthread_create(&w->th, NULL, watch_main, w) != 0) {
		close(w->efd);
		sync_roots_free(w->roots, opt->nfolders);
		free(w);
		return IDX_EIO;
	}
	*out = w;
	return 0;
}

static void wake(struct idx_watch *w)
{
	uint64_t one = 1;
	ssize_t n = write(w->efd, &one, sizeof one);
	(void)n; /* a full counter already wakes the thread */
}

void idx_watch_rescan(struct idx_watch *w)
{
	if (!w)
		return;
	__atomic_store_n(&w->rescan, true, __ATOMIC_RELEASE);
	wake(w);
}

void idx_watch_stop(struct idx_watch *w)
{
	if (!w)
		return;
	__atomic_store_n(&w->stop, true, __ATOMIC_RELEASE);
	wake(w);
	pthread_join(w->th, NULL);
	if (w->ino >= 0)
		close(w->ino);
	close(w->efd);
	clear_pending(w);
	free(w->pending);
	for (size_t i = 0; i < w->nwds; i++)
		free(w->wds[i].path);
	free(w->wds);
	u64map_free(&w->bywd);
	sync_roots_free(w->roots, w->opt->nfolders);
	free(w);
}
