/* loop.h - the terminal interface's state, one member per room that owns it, and the loop
 * that ties them together (cmd_tui, declared in ui/cmd/cmds.h, lives in loop.c).
 *
 * One loop on the main thread: poll(stdin, channel) -> keys and messages -> mark dirty ->
 * draw once per pass. The index watcher and the net thread only ever talk to it through the
 * channel (ui/tui/wiring.h). Each room's functions take the whole struct tui but change
 * only their own member; what a room reads of another is written in its header. Every
 * string from a model, a document or a file name passes sanitize() before it is drawn.
 * UI thread only. */
#ifndef FN_TUI_LOOP_H
#define FN_TUI_LOOP_H

#include <stdbool.h>

#include "ui/tui/chat.h"
#include "ui/tui/conv.h"
#include "ui/tui/input.h"
#include "ui/tui/keys.h"
#include "ui/tui/overlay.h"
#include "ui/tui/profiles.h"
#include "ui/tui/sources.h"
#include "ui/tui/status.h"
#include "ui/tui/wiring.h"

struct cli;
struct config;

enum focus { FOCUS_INPUT, FOCUS_CHAT, FOCUS_SOURCES, FOCUS_COUNT };

struct tui {
	struct cli *cli;
	const struct config *cfg;
	struct wiring w;             /* channel, net, index, watcher: wiring.c */
	struct profiles prof;        /* the current profile, /model overrides: profiles.c */
	struct conv conv;            /* the messages and the session: conv.c, turns.c, save.c */
	struct input_box in;         /* the input box and its history: input.c */
	struct chat_view chat;       /* chat scroll, cursor, search: chat.c */
	struct sources_view src;     /* the sources pane: sources.c */
	struct status_line st;       /* the notice and the index's progress: status.c */
	struct overlay ov;           /* the open overlay (help, a picker): overlay.c */
	struct keymap keys;          /* ui.keys, read once at start */
	enum focus focus;
	bool ctrl_c_armed;
	bool quit;
	bool dirty;                  /* something to draw */
	bool urgent;                 /* a key was handled: draw now, not at the next frame */
};

#endif
