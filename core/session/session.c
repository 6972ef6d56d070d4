/* session.c - sessions in memory and as JSON files (see session.h).
 *
 * The file format (version 1; turns of version 2):
 *   {"format": "footnote-session", "version": 1, "id", "title", "created", "updated",
 *    "turns": [{"version": 2, "question", "answer", "reasoning", "finished",
 *               "result": {...}, "provenance": {...}, "sources": [...], "dropped": [...]}]}
 * result (with its verification), provenance and sources are core/answer/record.h's records, the
 * ones `ask --json` prints. Turn version 1 had no verification and its own shapes of
 * provenance and result; record.h's readers still read them. Readers take what they know
 * and ignore the rest. */
#include "core/session/session.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "base/fsutil.h"
#include "core/answer/history.h"
#include "core/answer/record.h"

static const char format_name[] = "footnote-session";
static const char unfinished_msg[] = "The client stopped before this answer was complete.";
enum { TITLE_CHARS = 60, MAX_FILE = 64 << 20 };

static char *dup0(const char *s)
{
	return xstrdup(s ? s : "");
}

static char *now_utc(void)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	return xstrdup(stamp);
}

/* ---- deep copies and frees ------------------------------------------------------------ */

static void sources_copy(struct source **dv, const struct source *sv, size_t n)
{
	*dv = xcalloc(n ? n : 1, sizeof **dv);
	for (size_t i = 0; i < n; i++)
		record_source_copy(&(*dv)[i], &sv[i]);
}

static void map_copy(struct cite_map *d, const struct cite_map *s)
{
	memset(d, 0, sizeof *d);
	if (!s)
		return;
	sources_copy(&d->v, s->v, s->n);
	d->n = s->n;
	sources_copy(&d->dropped, s->dropped, s->ndropped);
	d->ndropped = s->ndropped;
}

static void turn_clear(struct session_turn *t)
{
	free(t->question);
	free(t->answer);
	free(t->reasoning);
	record_result_clear(&t->result);
	record_provenance_clear(&t->prov);
	cite_map_free(&t->map);
	cJSON_Delete(t->raw);
	free(t->tid);
	memset(t, 0, sizeof *t);
}

/* ---- a session in memory -------------------------------------------------------------- */

char *session_title(const char *question)
{
	struct buf one = {0};
	bool space = false;
	for (const char *p = question ? question : ""; *p; p++) {
		if (strchr(" \t\r\n\v\f", *p)) {
			space = one.len > 0;
			continue;
		}
		if (space)
			buf_addc(&one, ' ');
		space = false;
		buf_addc(&one, *p);
	}
	char *safe = sanitize_str(buf_str(&one), SAN_ONELINE);
	buf_free(&one);
	size_t len = strlen(safe);
	if (utf8_count(safe, len) <= TITLE_CHARS)
		return safe;
	/* Cut after TITLE_CHARS - 1 characters, back to the last space if there is one late
	 * enough, and mark the cut. */
	size_t at = 0, chars = 0, last_space = 0;
	while (at < len && chars < TITLE_CHARS - 1) {
		uint32_t cp;
		int n = utf8_decode(safe + at, len - at, &cp);
		if (safe[at] == ' ')
			last_space = at;
		at += n > 0 ? (size_t)n : 1;
		chars++;
	}
	if (last_space > at / 2)
		at = last_space;
	char *t = xasprintf("%.*s…", (int)at, safe);
	free(safe);
	return t;
}

static char *new_id(void)
{
	unsigned char rnd[2] = {0};
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		rnd[0] = (unsigned char)(ts.tv_nsec ^ getpid());
		rnd[1] = (unsigned char)(ts.tv_nsec >> 8);
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
	return xasprintf("%s-%02x%02x", stamp, rnd[0], rnd[1]);
}

/* A turn id no other writer makes: the time, random bits and this process's count. */
static char *new_tid(void)
{
	static unsigned seq;
	uint32_t rnd = 0;
	if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		rnd = (uint32_t)getpid();
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return xasprintf("%llx-%08x-%u", (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)(ts.tv_nsec / 1000000),
			 (unsigned)rnd, __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
}

struct session *session_new(const char *question)
{
	struct session *s = xcalloc(1, sizeof *s);
	s->id = new_id();
	s->title = session_title(question);
	s->created = now_utc();
	s->updated = xstrdup(s->created);
	return s;
}

void session_free(struct session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nturns; i++)
		turn_clear(&s->turns[i]);
	free(s->turns);
	cJSON_Delete(s->raw);
	free(s->id);
	free(s->title);
	free(s->created);
	free(s->updated);
	free(s);
}

size_t session_add(struct session *s, const char *question, const struct provenance *pv,
		   const struct cite_map *map, const char *answer, const char *reasoning,
		   const struct turn_result *result)
{
	s->turns = xgrow(s->turns, &s->capturns, s->nturns + 1, sizeof *s->turns);
	struct session_turn *t = &s->turns[s->nturns];
	memset(t, 0, sizeof *t);
	t->version = SESSION_TURN_VERSION;
	t->tid = new_tid();
	t->mine = true;
	t->question = dup0(question);
	struct provenance none = {0};
	record_provenance_copy(&t->prov, pv ? pv : &none);
	map_copy(&t->map, map);
	t->answer = dup0(NULL);
	t->reasoning = dup0(NULL);
	t->result.outcome_name = xstrdup("unfinished");
	t->result.message = xstrdup(unfinished_msg);
	t->result.grounding = -1;
	if (result)
		session_finish(s, s->nturns, answer, reasoning, result);
	return s->nturns++;
}

void session_finish(struct session *s, size_t i, const char *answer, const char *reasoning,
		    const struct turn_result *result)
{
	struct session_turn *t = &s->turns[i];
	free(t->answer);
	free(t->reasoning);
	t->answer = dup0(answer);
	t->reasoning = dup0(reasoning);
	record_result_clear(&t->result);
	record_result_copy(&t->result, result);
	t->finished = true;
	t->mine = true;
	cJSON_Delete(t->raw);
	t->raw = NULL;
}

void session_turn_copy(const struct session *s, size_t i, struct cite_map *map, struct provenance *prov,
		       struct turn_result **result)
{
	const struct session_turn *t = &s->turns[i];
	map_copy(map, &t->map);
	record_provenance_copy(prov, &t->prov);
	*result = xmalloc(sizeof **result);
	record_result_copy(*result, &t->result);
}

void session_update(struct session *s, size_t i, const struct cite_map *map, const struct provenance *pv)
{
	struct session_turn *t = &s->turns[i];
	cite_map_free(&t->map);
	map_copy(&t->map, map);
	record_provenance_clear(&t->prov);
	record_provenance_copy(&t->prov, pv);
	t->mine = true;
	cJSON_Delete(t->raw);
	t->raw = NULL;
}

struct history_turn *session_history(const struct session *s, size_t *n)
{
	*n = 0;
	if (!s || !s->nturns)
		return NULL;
	struct history_turn *v = xcalloc(s->nturns, sizeof *v);
	for (size_t i = 0; i < s->nturns; i++)
		v[i] = (struct history_turn){s->turns[i].question, s->turns[i].answer, s->turns[i].prov.profile};
	*n = s->nturns;
	return v;
}

/* ---- to JSON -------------------------------------------------------------------------- */

static cJSON *turn_json(const struct session_turn *t)
{
	if (t->raw)
		return cJSON_Duplicate(t->raw, true);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", SESSION_TURN_VERSION);
	cJSON_AddStringToObject(o, "tid", t->tid ? t->tid : "");
	cJSON_AddStringToObject(o, "question", t->question);
	cJSON_AddStringToObject(o, "answer", t->answer);
	cJSON_AddStringToObject(o, "reasoning", t->reasoning);
	cJSON_AddBoolToObject(o, "finished", t->finished);
	cJSON_AddItemToObject(o, "result", record_result_json(&t->result, t->answer, strlen(t->answer)));
	cJSON_AddItemToObject(o, "provenance", record_provenance_json(&t->prov));
	cJSON_AddItemToObject(o, "sources", record_sources_json(t->map.v, t->map.n,
								RECORD_SOURCE_GIVEN | RECORD_SOURCE_TEXT));
	cJSON_AddItemToObject(o, "dropped", record_sources_json(t->map.dropped, t->map.ndropped,
								RECORD_SOURCE_TEXT));
	return o;
}

static void set_item(cJSON *o, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

static void set_string(cJSON *o, const char *key, const char *value)
{
	set_item(o, key, cJSON_CreateString(value));
}

/* Characters a terminal acts on or that hide text: escaped in JSON output, where \uXXXX
 * keeps the document the same. */
static bool json_escaped(uint32_t cp)
{
	return cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF ||
	       (cp >= 0xE0000 && cp <= 0xE007F);
}

char *session_json_escape(const char *json)
{
	struct buf b = {0};
	size_t len = strlen(json);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(json + i, len - i, &cp);
		if (n <= 0) {
			buf_adds(&b, "\\uFFFD"); /* cJSON passes invalid UTF-8 through */
			i++;
			continue;
		}
		if (!json_escaped(cp))
			buf_add(&b, json + i, (size_t)n);
		else if (cp < 0x10000)
			buf_addf(&b, "\\u%04X", (unsigned)cp);
		else
			buf_addf(&b, "\\u%04X\\u%04X", (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
				 (unsigned)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
		i += (size_t)n;
	}
	return buf_detach(&b);
}

/* Prints o as safe JSON text ending in a newline; caller frees. */
static char *print_json(const cJSON *o)
{
	char *text = cJSON_Print(o);
	if (!text)
		abort(); /* cJSON fails only when out of memory */
	char *safe = session_json_escape(text);
	cJSON_free(text);
	char *out = xasprintf("%s\n", safe);
	free(safe);
	return out;
}

/* The top-level object of s, without its turns. */
static cJSON *head_json(const struct session *s)
{
	/* Keys a newer version wrote stay, in their place. */
	cJSON *o = s->raw ? cJSON_Duplicate(s->raw, true) : cJSON_CreateObject();
	set_string(o, "format", format_name);
	set_item(o, "version", cJSON_CreateNumber(SESSION_VERSION));
	set_string(o, "id", s->id);
	set_string(o, "title", s->title);
	set_string(o, "created", s->created);
	set_string(o, "updated", s->updated);
	return o;
}

char *session_to_json(const struct session *s)
{
	cJSON *o = head_json(s);
	cJSON *turns = cJSON_CreateArray();
	set_item(o, "turns", turns);
	for (size_t i = 0; i < s->nturns; i++)
		cJSON_AddItemToArray(turns, turn_json(&s->turns[i]));
	char *out = print_json(o);
	cJSON_Delete(o);
	return out;
}

/* ---- from JSON: tolerant getters ------------------------------------------------------ */

static const cJSON *jget(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = jget(o, key);
	return xstrdup(cJSON_IsString(v) ? v->valuestring : "");
}

static double jnum(const cJSON *o, const char *key, double def)
{
	const cJSON *v = jget(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

static bool jbool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(jget(o, key));
}

static int turn_from(struct session_turn *t, const cJSON *o, size_t i, char **err)
{
	memset(t, 0, sizeof *t);
	if (!cJSON_IsObject(o) || !cJSON_IsString(jget(o, "question"))) {
		*err = xasprintf("turn %zu has no question", i + 1);
		return -1;
	}
	t->version = (int)jnum(o, "version", 1);
	t->question = jstr(o, "question");
	t->answer = jstr(o, "answer");
	t->reasoning = jstr(o, "reasoning");
	t->finished = jbool(o, "finished");
	const cJSON *tid = jget(o, "tid");
	t->tid = cJSON_IsString(tid) && tid->valuestring[0] ? xstrdup(tid->valuestring) : xasprintf("p%zu", i);
	record_result_from(&t->result, jget(o, "result"), strlen(t->answer));
	record_provenance_from(&t->prov, jget(o, "provenance"));
	record_sources_from(jget(o, "sources"), &t->map.v, &t->map.n);
	record_sources_from(jget(o, "dropped"), &t->map.dropped, &t->map.ndropped);
	t->raw = cJSON_Duplicate(o, true);
	return 0;
}

static void position(const char *text, const char *at, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (const char *p = text; p < at; p++) {
		if (*p == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

int session_from_json(const char *text, size_t len, const char *id, struct session **out, char **err)
{
	*out = NULL;
	const char *end = NULL;
	cJSON *o = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!o) {
		int line, col;
		position(text, end && end >= text && end <= text + len ? end : text + len, &line, &col);
		*err = xasprintf("not valid JSON (line %d, column %d)", line, col);
		return -1;
	}
	const cJSON *fmt = jget(o, "format");
	const cJSON *turns = jget(o, "turns");
	if (!cJSON_IsObject(o) || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, format_name)) {
		*err = xstrdup("not a footnote session (no \"format\": \"footnote-session\")");
		cJSON_Delete(o);
		return -1;
	}
	if (!cJSON_IsArray(turns)) {
		*err = xstrdup("the session has no \"turns\" list");
		cJSON_Delete(o);
		return -1;
	}
	struct session *s = xcalloc(1, sizeof *s);
	s->id = id ? xstrdup(id) : jstr(o, "id");
	s->title = jstr(o, "title");
	s->created = jstr(o, "created");
	s->updated = jstr(o, "updated");
	int rc = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, turns) {
		s->turns = xgrow(s->turns, &s->capturns, s->nturns + 1, sizeof *s->turns);
		if ((rc = turn_from(&s->turns[s->nturns], e, s->nturns, err)) < 0)
			break;
		s->nturns++;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, "turns");
	s->raw = o;
	if (rc < 0) {
		session_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

/* ---- files ---------------------------------------------------------------------------- */

char *session_path(const char *dir, const char *id)
{
	return xasprintf("%s/%s.json", dir, id);
}

static int write_file(const char *path, const char *text, char **err)
{
	int rc = fs_mkdir_parents(path, 0700);
	if (rc == 0)
		rc = fs_write_atomic(path, text, strlen(text), 0600);
	if (rc < 0) {
		*err = xasprintf("cannot write %s: %s", path, strerror(-rc));
		return -1;
	}
	return 0;
}

/* DIR/.lock, held (flock) while a session file is read and written; -1 when it cannot be
 * had (the write then says what is wrong with DIR). */
static int dir_lock(const char *dir)
{
	char *path = xasprintf("%s/.lock", dir);
	int fd = fs_mkdir_all(dir, 0700) == 0 ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
	free(path);
	while (fd >= 0 && flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			close(fd);
			fd = -1;
		}
	}
	return fd;
}

static void dir_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing the only descriptor releases the flock */
}

static const struct session_turn *turn_by_tid(const struct session *s, const char *tid, size_t *at)
{
	for (size_t i = 0; i < s->nturns; i++)
		if (!strcmp(s->turns[i].tid, tid)) {
			*at = i;
			return &s->turns[i];
		}
	return NULL;
}

/* s merged with what another writer left in the file (disk): the file's turns in their
 * order, s's copy of those s changed, then the turns only s has. */
static char *merged_json(struct session *s, const struct session *disk)
{
	free(s->title);
	s->title = xstrdup(disk->title);
	free(s->created);
	s->created = xstrdup(disk->created);
	cJSON *o = head_json(s);
	cJSON *turns = cJSON_CreateArray();
	set_item(o, "turns", turns);
	bool *seen = xcalloc(s->nturns + 1, sizeof *seen);
	s->merged = 0;
	for (size_t i = 0; i < disk->nturns; i++) {
		size_t at;
		const struct session_turn *m = turn_by_tid(s, disk->turns[i].tid, &at);
		if (m)
			seen[at] = true;
		else
			s->merged++;
		cJSON_AddItemToArray(turns, turn_json(m && m->mine ? m : &disk->turns[i]));
	}
	for (size_t i = 0; i < s->nturns; i++)
		if (!seen[i])
			cJSON_AddItemToArray(turns, turn_json(&s->turns[i]));
	free(seen);
	char *out = print_json(o);
	cJSON_Delete(o);
	return out;
}

int session_save(struct session *s, const char *dir, char **err)
{
	free(s->updated);
	s->updated = now_utc();
	char *path = session_path(dir, s->id);
	int lock = dir_lock(dir);
	struct session *disk = NULL;
	char *why = NULL;
	/* A file that cannot be read as a session is replaced, as before merging. */
	if (access(path, F_OK) == 0)
		session_load(path, &disk, &why);
	free(why);
	char *text = disk ? merged_json(s, disk) : session_to_json(s);
	session_free(disk);
	int rc = write_file(path, text, err);
	dir_unlock(lock);
	free(text);
	free(path);
	return rc;
}

int session_read_file(const char *path, char **text, size_t *len, char **err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	struct buf b = {0};
	size_t n;
	char tmp[65536];
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0 && b.len <= MAX_FILE)
		buf_add(&b, tmp, n);
	int bad = ferror(f);
	fclose(f);
	if (bad || b.len > MAX_FILE) {
		*err = xasprintf(bad ? "cannot read %s" : "%s is over 64 MiB: not a session file", path);
		buf_free(&b);
		return -1;
	}
	*len = b.len;
	*text = buf_detach(&b);
	return 0;
}

char *session_file_id(const char *name)
{
	size_t n = strlen(name);
	if (n <= 5 || strcmp(name + n - 5, ".json") || name[0] == '.')
		return NULL;
	return xstrndup(name, n - 5);
}

int session_load(const char *path, struct session **out, char **err)
{
	char *text = NULL, *why = NULL;
	size_t len = 0;
	*out = NULL;
	if (session_read_file(path, &text, &len, err) < 0)
		return -1;
	const char *base = strrchr(path, '/');
	char *id = session_file_id(base ? base + 1 : path);
	int rc = session_from_json(text, len, id, out, &why);
	if (rc < 0) {
		*err = xasprintf("%s: %s; the file was left as it is", path, why);
		free(why);
	}
	free(id);
	free(text);
	return rc;
}

int session_rename(const char *dir, const char *id, const char *title, char **err)
{
	char *path = session_path(dir, id), *text = NULL, *why = NULL;
	size_t len;
	struct session *s = NULL;
	int lock = dir_lock(dir);
	int rc = session_read_file(path, &text, &len, err);
	/* Parse it fully first: a file we cannot read is reported, not rewritten. */
	if (rc == 0 && (rc = session_from_json(text, len, id, &s, &why)) < 0) {
		*err = xasprintf("%s: %s; the file was left as it is", path, why);
		free(why);
	}
	if (rc == 0) {
		cJSON *o = cJSON_ParseWithLength(text, len);
		char *t = session_title(title);
		char *now = now_utc();
		set_string(o, "title", t);
		set_string(o, "updated", now);
		char *out = print_json(o);
		rc = write_file(path, out, err);
		free(out);
		cJSON_Delete(o);
		free(now);
		free(t);
	}
	dir_unlock(lock);
	session_free(s);
	free(text);
	free(path);
	return rc;
}

int session_delete(const char *dir, const char *id, char **err)
{
	char *path = session_path(dir, id);
	int rc = unlink(path);
	if (rc < 0)
		*err = xasprintf("cannot delete %s: %s", path, strerror(errno));
	free(path);
	return rc < 0 ? -1 : 0;
}

char *session_export_name(const struct session *s, const char *ext)
{
	struct buf b = {0};
	bool dash = false;
	for (const char *p = s->title; *p; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && b.len)
				buf_addc(&b, '-');
			buf_addc(&b, c);
			dash = false;
		} else {
			dash = true;
		}
	}
	if (b.len > 50) {
		/* Shortened at a word. */
		char *dash_at = memrchr(b.p, '-', 51);
		b.len = dash_at ? (size_t)(dash_at - b.p) : 50;
		b.p[b.len] = '\0';
	}
	if (!b.len)
		buf_adds(&b, s->id);
	buf_addf(&b, ".%s", ext);
	return buf_detach(&b);
}
