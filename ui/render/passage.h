/* passage.h - where in a passage a cited sentence is: the line `o` opens the file at.
 *
 * The passage is cut into pieces as verification cuts it (at each newline and after . ! ?
 * followed by a blank), each scored against the claim with verification's own measure
 * (verify_support), so the line found is the one that made the citation hold. When the
 * claim's sentence began on an earlier line (a sentence wrapped in the file), the result
 * moves up to where it began. Pure apart from the tokenizer it makes; any thread. */
#ifndef FN_RENDER_PASSAGE_H
#define FN_RENDER_PASSAGE_H

#include <stddef.h>

/* The line, counted from 0 at the passage's first, where the text best matching claim
 * begins; 0 when nothing matches. language: the index's stemmer language (NULL: none). */
size_t passage_line(const char *passage, size_t plen, const char *claim, size_t clen, const char *language);

#endif
