/* sanitize.c - untrusted text to terminal-safe text (see sanitize.h). */
#include "sanitize.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

static bool is_emoji(uint32_t cp)
{
	return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF);
}

/* Invisible or direction-changing characters that can make text on screen differ from
 * the text underneath. */
static bool is_marked(uint32_t cp)
{
	return cp == 0x061C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

static bool is_tag(uint32_t cp)
{
	return cp >= 0xE0000 && cp <= 0xE007F;
}

size_t sanitize(const char *s, size_t len, unsigned flags, struct buf *out)
{
	size_t changed = 0, i = 0, run = 0;
	uint32_t prev = 0;

	while (i < len) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		unsigned char c = (unsigned char)s[i];
		size_t step = n > 0 ? (size_t)n : 1;

		bool plain = n > 0 && cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F) &&
			     !is_marked(cp) && !is_tag(cp);
		if (n > 0 && cp == 0x200D && is_emoji(prev)) {
			uint32_t next = 0;
			if (i + 3 < len && utf8_decode(s + i + 3, len - i - 3, &next) > 0 && is_emoji(next))
				plain = true; /* a joiner inside an emoji sequence */
		}
		if (n > 0 && (cp == '\n' || cp == '\t') && !(flags & SAN_ONELINE))
			plain = true;
		if (plain) {
			prev = cp;
			i += step;
			continue;
		}

		buf_add(out, s + run, i - run);
		changed++;
		if (n <= 0) {
			buf_add(out, "\xEF\xBF\xBD", 3);
		} else if (cp == '\r' && i + 1 < len && s[i + 1] == '\n' && !(flags & SAN_ONELINE)) {
			/* CRLF: drop the CR, the LF goes through as plain text next round. */
		} else if (cp == '\t') {
			buf_addc(out, ' ');
		} else if (cp < 0x20 || cp == 0x7F) {
			buf_addc(out, '^');
			buf_addc(out, (char)(c ^ 0x40));
		} else if (cp <= 0x9F) {
			buf_addf(out, "\\x%02x", (unsigned)cp);
		} else if (is_tag(cp)) {
			/* Hidden text written in tag characters: decode the run and show it. */
			buf_adds(out, "<tags:");
			while (n > 0 && is_tag(cp)) {
				if (cp >= 0xE0020 && cp <= 0xE007E)
					buf_addc(out, (char)(cp - 0xE0000));
				i += step;
				n = utf8_decode(s + i, len - i, &cp);
				step = (size_t)n;
			}
			buf_addc(out, '>');
			run = i;
			prev = 0;
			continue;
		} else {
			buf_addf(out, "<U+%04X>", (unsigned)cp);
		}
		i += step;
		run = i;
		prev = n > 0 ? cp : 0;
	}
	buf_add(out, s + run, len - run);
	return changed;
}

char *sanitize_str(const char *s, unsigned flags)
{
	struct buf b = {0};
	if (s)
		sanitize(s, strlen(s), flags, &b);
	return buf_detach(&b);
}

size_t sanitize_hold(const char *s, size_t len)
{
	size_t n = utf8_complete_len(s, len);
	if (n == len && n > 0 && s[n - 1] == '\r')
		n--;
	return n;
}
