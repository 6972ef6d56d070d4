/* init.c - the configuration `footnote init` writes (see init.h). */
#include "core/app/init.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/app/discover.h"

/* A YAML double-quoted scalar: model names and URLs come from a server. */
static void add_quoted(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addc(b, (char)c);
	}
	buf_addc(b, '"');
}

char *init_config_text(const struct discover_result *r)
{
	const struct discover_server *s = r && r->chosen >= 0 && (size_t)r->chosen < r->n ? &r->v[r->chosen] : NULL;
	struct buf b = {0};
	buf_adds(&b, "# footnote configuration, written by `footnote init`.\n"
		     "# Every key and its default: config.example.yaml in footnote's source.\n"
		     "# `footnote doctor` checks what is written here; `footnote paths` shows where things live.\n");
	if (r && r->summary)
		buf_addf(&b, "# Found: %s.\n", r->summary);
	buf_adds(&b, "\n");
	const char *prov = "builtin";
	if (s) {
		prov = s->name;
		buf_adds(&b, "providers:\n");
		buf_addf(&b, "  %s:\n", s->name);
		buf_addf(&b, "    kind: %s\n", provider_kind_name(s->kind));
		buf_adds(&b, "    base_url: ");
		add_quoted(&b, s->base_url);
		buf_adds(&b, "\n    api_key_env: ");
		add_quoted(&b, s->api_key_env);
		buf_adds(&b, *s->api_key_env ? "   # the key is read from this variable, never written here\n"
					     : "   # \"\" = no key is sent (a server on this machine needs none)\n");
		if (s->nmodels) {
			buf_adds(&b, "# Models it listed:");
			for (size_t i = 0; i < s->nmodels && i < 12; i++)
				buf_addf(&b, "%s%s", i ? ", " : " ", s->models[i]);
			buf_adds(&b, s->nmodels > 12 ? ", ...\n" : "\n");
		}
	} else {
		buf_adds(&b, "# No model server was found, so rag answers extractively (quotes from your\n"
			     "# documents, no model). To use one, uncomment and adjust:\n"
			     "# providers:\n"
			     "#   local: {kind: openai, base_url: \"http://127.0.0.1:8080/v1\"}   # llama-server, vLLM, LM Studio\n"
			     "#   ollama: {kind: ollama, base_url: \"http://127.0.0.1:11434\"}\n"
			     "#   openai: {kind: openai, base_url: \"https://api.openai.com/v1\", api_key_env: OPENAI_API_KEY}\n");
	}
	buf_adds(&b, "\n# rag, fine-tuned, hybrid and offline always exist; a profile written here replaces\n"
		     "# footnote's own of that name. Switch with /profile NAME or F2; compare with /compare A B.\n"
		     "profiles:\n"
		     "  # rag: the base model, answering from passages of your documents.\n");
	buf_addf(&b, "  rag: {provider: %s", prov);
	if (s) {
		buf_adds(&b, ", model: ");
		add_quoted(&b, s->model);
	}
	buf_adds(&b, "}\n");
	buf_addf(&b, "  # fine-tuned: your fine-tuned model, without retrieval. Until it is set, the base\n"
		     "  # model stands in and says so. Uncomment with your model's id:\n"
		     "  # fine-tuned: {provider: %s, model: YOUR-FINE-TUNE, retrieval: {enabled: false}}\n"
		     "  # hybrid: the fine-tuned model with retrieval; sentences your documents\n"
		     "  # do not back are labelled model knowledge.\n"
		     "  # hybrid: {provider: %s, model: YOUR-FINE-TUNE, retrieval: {top_k: 4}, no_evidence: label}\n"
		     "  # offline: the builtin extractive answerer, no model (always there).\n"
		     "\ndefault_profile: rag\n"
		     "\nindex:\n"
		     "  folders: []                  # empty = the folder footnote starts in; e.g.\n"
		     "  # folders: [{path: ~/notes, collection: notes}]\n",
		 s ? prov : "local", s ? prov : "local");
	return buf_detach(&b);
}

int init_write(const char *path, const char *text, bool force, char **err)
{
	*err = NULL;
	char *safe = sanitize_str(path, SAN_ONELINE);
	if (!force && access(path, F_OK) == 0) {
		*err = xasprintf("%s exists; it was left as it is (--force replaces it)", safe);
		free(safe);
		return -1;
	}
	int rc = fs_mkdir_parents(path, 0700);
	if (rc == 0)
		rc = fs_write_atomic(path, text, strlen(text), 0600);
	if (rc < 0) {
		*err = xasprintf("cannot write %s: %s", safe, strerror(-rc));
		free(safe);
		return -1;
	}
	free(safe);
	return 0;
}
