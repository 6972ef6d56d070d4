/* session.h - saved conversations: one JSON file per session, written atomically after
 * every change, so a crash or a kill loses nothing that was saved before it.
 *
 * A session is an id (sortable: 20261121-142501-ab12, local time of creation plus four
 * random hex digits), a title (the first question on one line, shortened), created and
 * updated times (ISO 8601 UTC) and its turns. Each turn is a versioned JSON object holding
 * the question, the answer, the reasoning, the result (outcome, usage, timings, grounding
 * and the verifier's per-sentence findings), the provenance and the whole citation map,
 * dropped sources included, as core/answer/record.h writes them. Later fields are new keys: readers
 * ignore keys they do not know, and a turn read from disk is written back exactly as it was
 * read, unknown keys included. No API key is ever stored: provenance carries only the
 * server's host.
 *
 * The file is DIR/ID.json (mode 0600); the file name is the id. Pure functions and file
 * I/O only; any thread, one session per thread. Errors come back as a sentence in *err
 * (caller frees); a corrupt file is reported, never deleted or rewritten. */
#ifndef FN_SESSION_H
#define FN_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "core/answer/prompt.h"
#include "core/answer/turn.h"

/* Turn version 2 (the verification stored, provenance and result as core/answer/record.h writes
 * them); version 1 turns are still read. */
enum { SESSION_VERSION = 1, SESSION_TURN_VERSION = 2 };

struct session_turn {
	int version;                /* of the turn object as read (SESSION_TURN_VERSION when new) */
	char *question, *answer, *reasoning;
	bool finished;              /* false: saved when asked; the answer never ended */
	struct turn_result result;  /* strings owned; outcome_name never NULL */
	struct provenance prov;     /* strings owned, never NULL */
	struct cite_map map;        /* sources given to the model, and the dropped ones */
	void *raw;                  /* the turn as read from disk (a cJSON object), or NULL */
	char *tid;                  /* the turn's id, unique across writers ("tid"; a turn
				     * written before ids has "p" and its position) */
	bool mine;                  /* added or changed by this process: its copy wins a merge */
};

struct session {
	char *id, *title, *created, *updated;
	struct session_turn *turns;
	size_t nturns, capturns;
	void *raw;                  /* the top-level object as read, without turns, or NULL */
	size_t merged;              /* turns the file had that s has not (another window's),
				     * kept by the last session_save */
};

/* A new session titled after question, with a fresh id and no turns. Never NULL. */
struct session *session_new(const char *question);
void session_free(struct session *s);

/* Appends a turn (deep copies of everything). result NULL = the answer is still coming:
 * the turn is saved as unfinished, and session_finish fills it in. Returns its index. */
size_t session_add(struct session *s, const char *question, const struct provenance *pv,
		   const struct cite_map *map, const char *answer, const char *reasoning,
		   const struct turn_result *result);
/* Sets turn i's answer, reasoning and result (copies) and marks it finished. */
void session_finish(struct session *s, size_t i, const char *answer, const char *reasoning,
		    const struct turn_result *result);

/* Deep copies of turn i's citation map, provenance and result (its verification too), for
 * showing a resumed turn (turn_adopt takes map and prov; free the result with
 * turn_result_free). */
void session_turn_copy(const struct session *s, size_t i, struct cite_map *map, struct provenance *prov,
		       struct turn_result **result);

/* Views of s's turns, oldest first, for turn_request.history: the strings are borrowed and
 * stay valid while s is not changed. NULL when s is NULL or has no turns. Caller frees the
 * array. */
struct history_turn *session_history(const struct session *s, size_t *n);
/* Replaces turn i's sources and provenance with copies of map's and pv's (a turn whose
 * search waited for a rewrite has them only once it ends); the marks come along. */
void session_update(struct session *s, size_t i, const struct cite_map *map, const struct provenance *pv);

/* Writes DIR/ID.json atomically (temp, fsync, rename), creating DIR. 0 or -1 and *err.
 * Two processes may hold one session (two windows resuming it): under DIR/.lock (flock)
 * the file is read and merged with s before it is written, so no turn is lost. The file's
 * turns stay in their order with s's copies of the turns s changed; turns only the file
 * has are kept (s->merged counts them; s itself does not get them); turns only s has are
 * appended. The title and creation time are the file's (a rename elsewhere stands). */
int session_save(struct session *s, const char *dir, char **err);
/* Reads a session file. 0, or -1 and *err naming the file and what is wrong. */
int session_load(const char *path, struct session **out, char **err);
/* The JSON text of a session (pretty-printed; caller frees) and its parser. The parser
 * takes the id from `id` when given (the file name), else from the text. */
char *session_to_json(const struct session *s);
int session_from_json(const char *text, size_t len, const char *id, struct session **out, char **err);

/* The same JSON text with DEL, C1 controls, invisible and bidi characters (and invalid
 * UTF-8) written as \uXXXX escapes, so it is safe on a terminal. Caller frees. */
char *session_json_escape(const char *json);

/* DIR/ID.json; caller frees. */
char *session_path(const char *dir, const char *id);
/* The whole of a file of at most 64 MiB: 0 and *text (NUL-terminated, caller frees) and
 * *len, or -1 and *err. */
int session_read_file(const char *path, char **text, size_t *len, char **err);
/* The id a file name gives: NAME.json -> NAME (not a hidden name), else NULL. Caller frees. */
char *session_file_id(const char *name);

/* One line per session file, for `sessions list` and the picker (core/session/session_list.c).
 * The lines are kept in DIR/.index beside the files; a file whose size, mtime or inode
 * differs from its line (or that has none) is read again, and the index rewritten, so a
 * listing of 10,000 sessions reads one small file and stats the rest. */
struct session_info {
	char *id, *title, *created, *updated;
	size_t turns;
	char *error;                /* the file could not be read: why (other fields may be "") */
};
/* Every session in dir, most recently updated first. A missing dir is an empty list.
 * Returns 0, or -1 and *err when dir cannot be read. Free with session_infos_free. */
int session_list(const char *dir, struct session_info **v, size_t *n, char **err);
void session_infos_free(struct session_info *v, size_t n);
/* The id of the one session whose id is `prefix` or starts with it. 0 and *id (caller
 * frees), or -1 and *err (none, or several: they are named). */
int session_resolve(const char *dir, const char *prefix, char **id, char **err);
/* Sets the title in the file, keeping everything else in it as it is. */
int session_rename(const char *dir, const char *id, const char *title, char **err);
int session_delete(const char *dir, const char *id, char **err);

/* The title a question gives: whitespace runs become one space, controls are made visible,
 * at most 60 characters (cut at a word, with "…"). Caller frees. */
char *session_title(const char *question);
/* A file name for an export: the title in lower case, letters and digits joined by "-",
 * then ".md" or ".json" (ext). Falls back to the id. Caller frees. */
char *session_export_name(const struct session *s, const char *ext);
/* The session as Markdown: provenance in YAML front matter, each answer's [n] markers as
 * footnotes [^k] whose text is path:lines (heading) and the quoted passage, the sources
 * dropped for the token budget listed. When a turn kept its verification, a sentence whose
 * citation does not hold is followed by "*(not supported by [^k])*", and under the label
 * policy an uncited one by "*(model knowledge)*". Every string is sanitized. Caller frees. */
char *session_to_markdown(const struct session *s);
/* The session as "json" (session_to_json) or else Markdown. Caller frees. */
char *session_render(const struct session *s, const char *format);
/* Writes s as "md" or "json" to file, or with file NULL to dir/session_export_name (dir is
 * footnote's exports directory under its data directory, created as needed: an export in
 * a watched folder would be indexed and cited), atomically, mode 0600. Both formats say
 * they were written by footnote (the Markdown front matter's first line, the JSON's
 * "format" key), so the index skips them wherever they are. 0 and *written (the path,
 * caller frees), or -1 and *err. */
int session_export(const struct session *s, const char *format, const char *file, const char *dir,
		   char **written, char **err);
/* "2026-11-21T14:25:01Z" -> "2026-11-21 14:25" (16 characters and a NUL). */
void session_short_time(const char *iso, char out[17]);

#endif
