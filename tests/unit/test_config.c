/* test_config.c - the option table, the YAML walker and its error messages. */
#include "fn_test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/app/discover.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "%s/cfgXXXXXX", getenv("FN_TMP") ? getenv("FN_TMP") : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	unsetenv("FOOTNOTE_CONFIG");
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("XDG_DATA_HOME", dir, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

static char *write_file(const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

/* Loads text as a config file; returns the error (caller frees) or NULL. */
static char *load_err(const char *text, mode_t mode)
{
	char *path = write_file("c.yaml", text, mode);
	struct config *c = NULL;
	char *err = NULL;
	int rc = config_load(path, &c, &err);
	free(path);
	if (rc == 0) {
		config_free(c);
		return NULL;
	}
	assert_null(c);
	assert_non_null(err);
	return err;
}

static void assert_err(const char *text, const char *want)
{
	char *err = load_err(text, 0600);
	if (!err)
		fail_msg("expected an error containing \"%s\", got none", want);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not contain \"%s\"", err, want);
	free(err);
}

static void test_example_loads(void **state)
{
	(void)state;
	char *path = xasprintf("%s/config.example.yaml", getenv("FN_ROOT") ? getenv("FN_ROOT") : ".");
	setenv("HOME", "/home/u", 1);
	struct config *c = NULL;
	char *err = NULL;
	if (config_load(path, &c, &err) != 0)
		fail_msg("config.example.yaml: %s", err);
	const struct cfg_profile *rag = config_profile(c, "rag");
	assert_non_null(rag);
	assert_int_equal(rag->retrieval.top_k, 6);
	assert_true(rag->retrieval.enabled);
	assert_int_equal(rag->no_evidence, NO_EVIDENCE_DECLINE);
	const struct cfg_profile *hy = config_profile(c, "hybrid");
	assert_int_equal(hy->retrieval.top_k, 4);
	assert_int_equal(hy->no_evidence, NO_EVIDENCE_LABEL);
	assert_string_equal(hy->model, "my-fine-tune");
	assert_false(config_profile(c, "fine-tuned")->retrieval.enabled);
	assert_int_equal(config_provider(c, "local")->kind, PROVIDER_OPENAI);
	assert_int_equal(config_provider(c, "ollama")->kind, PROVIDER_OLLAMA);
	assert_non_null(config_provider(c, "builtin"));
	assert_string_equal(c->index.folders.v[0].path, "/home/u/notes");
	assert_string_equal(c->index.folders.v[0].collection, "notes");
	assert_int_equal(c->index.exclude.n, 2);
	assert_string_equal(c->default_profile, "rag");
	assert_int_equal(c->ui.sources_width, 40);
	config_free(c);
	free(path);
}

struct keys_ctx {
	const char *text;
	int missing;
};

static void check_key(void *ctx, const char *path, const char *def, const char *help)
{
	struct keys_ctx *k = ctx;
	(void)def;
	assert_non_null(help);
	const char *leaf = strrchr(path, '.');
	leaf = leaf ? leaf + 1 : path;
	if (!strcmp(leaf, "*") || strchr(leaf, '['))
		return;
	char *needle = xasprintf("%s:", leaf);
	if (!strstr(k->text, needle)) {
		print_error("config.example.yaml does not document %s\n", path);
		k->missing++;
	}
	free(needle);
}

/* config.example.yaml documents every key of the table. */
static void test_example_documents_every_key(void **state)
{
	(void)state;
	char *path = xasprintf("%s/config.example.yaml", getenv("FN_ROOT") ? getenv("FN_ROOT") : ".");
	struct keys_ctx k = {fn_slurp(path, NULL), 0};
	config_each_key(check_key, &k);
	assert_int_equal(k.missing, 0);
	free((char *)k.text);
	free(path);
}

static void test_no_file_gives_defaults(void **state)
{
	(void)state;
	struct config *c = NULL;
	char *err = NULL;
	assert_int_equal(config_load(NULL, &c, &err), 0);
	assert_null(c->file);
	assert_int_equal(c->providers.n, 1);
	assert_int_equal(c->providers.v[0].kind, PROVIDER_BUILTIN);
	assert_string_equal(c->default_profile, "rag");
	assert_string_equal(config_profile(c, "rag")->provider, "builtin");
	assert_string_equal(c->embedder.provider, "builtin");
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(c->index.folders.n, 1);
	assert_string_equal(c->index.folders.v[0].path, cwd);
	assert_non_null(strstr(c->index.path, "/footnote/index/"));
	config_free(c);
}

/* The example: line 7 has top_k: six. */
static void test_bad_int_names_file_line_column(void **state)
{
	(void)state;
	const char *text = "providers:\n"
			   "  local: {kind: openai, base_url: http://127.0.0.1:8080/v1}\n"
			   "profiles:\n"
			   "  rag:\n"
			   "    provider: local\n"
			   "    retrieval:\n"
			   "      top_k: six\n";
	char *err = load_err(text, 0600);
	assert_non_null(err);
	char *want = xasprintf("%s/c.yaml:7:14: profiles.rag.retrieval.top_k: expected an integer 1..100, "
			       "got \"six\"", dir);
	assert_string_equal(err, want);
	free(want);
	free(err);
}

static void test_type_errors(void **state)
{
	(void)state;
	assert_err("ui:\n  sources_width: [1, 2]\n", "c.yaml:2:18: ui.sources_width: expected an integer 20..200, got a list");
	assert_err("ui:\n  mouse: maybe\n", "ui.mouse: expected true or false, got \"maybe\"");
	/* A profile's cross-references name their line too (footnote's own profiles are added
	 * after them: adding moves the array the positions point into). */
	assert_err("profiles:\n  x:\n    provider: nope\n", "c.yaml:3:15: profiles.x.provider: expected the name of a provider");
	assert_err("profiles:\n  x: {provider: builtin, expand: {enabled: true}}\n",
		   "c.yaml:2:17: profiles.x.expand.provider: query expansion needs a model server");
	assert_err("profiles:\n  x: {provider: builtin, verify: {provider: gone}}\n",
		   "c.yaml:2:45: profiles.x.verify.provider: expected the name of a provider or nothing, got \"gone\"");
	assert_err("providers:\n  x: {kind: grpc}\n", "providers.x.kind: expected openai, ollama or builtin, got \"grpc\"");
	assert_err("index:\n  exclude: .git\n", "index.exclude: expected a list of strings, got a value");
	assert_err("index:\n  folders: {path: x}\n", "index.folders: expected a list, got a mapping");
	assert_err("profiles:\n  rag: {temperature: hot}\n", "profiles.rag.temperature: expected a number 0..2, got \"hot\"");
	assert_err("profiles: [a, b]\n", "profiles: expected a mapping of names to settings, got a list");
	assert_err("ui: 3\n", "ui: expected a mapping of settings, got a value");
	assert_err("log: {level: loud}\n", "log.level: expected error, warn, info or debug, got \"loud\"");
	assert_err("profiles:\n  rag: {retrieval: {mode: fuzzy}}\n", "expected hybrid, lexical or vector");
}

static void test_unknown_and_duplicate_keys(void **state)
{
	(void)state;
	assert_err("ui:\n  theem: light\n", "c.yaml:2:3: ui.theem: unknown key (did you mean theme?)");
	assert_err("colour: red\n", "colour: unknown key");
	assert_err("ui:\n  theme: a\n  theme: b\n", "c.yaml:3:3: ui.theme: duplicate key (first at line 2)");
	assert_err("profiles:\n  rag: {provider: nowhere}\n", "profiles.rag.provider: expected the name of a provider");
	assert_err("default_profile: nope\n", "default_profile: expected the name of a profile (rag, fine-tuned, hybrid, offline), got \"nope\"");
	assert_err("providers:\n  x: {kind: openai}\nprofiles:\n  rag: {provider: x}\n",
		   "profiles.rag.model: expected a model id for provider x");
	assert_err("ui: {theme: [unclosed\n", "c.yaml:");
	/* A theme that does not exist stops footnote with where it was written (issue 15). */
	assert_err("ui:\n  theme: nosuch\n", "c.yaml:2:10: ui.theme: no theme \"nosuch\" in ");
	assert_err("ui:\n  theme: nosuch\n", "(themes: ");
	char *err = load_err("ui: {theme: mono}\n", 0600);
	assert_null(err);
	/* A missing file says what to do, not "FILE:0:0". */
	struct config *c = NULL;
	assert_int_equal(config_load("/nonexistent/nofile.yaml", &c, &err), -1);
	assert_string_equal(err, "cannot open /nonexistent/nofile.yaml: No such file or directory; "
				 "footnote init writes one (footnote init --help)");
	free(err);
}

/* rag, fine-tuned, hybrid and offline always exist; one in the file replaces footnote's. */
static void test_builtin_profiles(void **state)
{
	(void)state;
	struct config *c = config_defaults();
	const char *names[] = {"rag", "fine-tuned", "hybrid", "offline"};
	for (size_t i = 0; i < 4; i++) {
		const struct cfg_profile *p = config_profile(c, names[i]);
		assert_non_null(p);
		assert_true(p->builtin);
		assert_string_equal(p->provider, "builtin");
	}
	assert_true(config_profile(c, "hybrid")->retrieval.enabled);
	assert_non_null(strstr(config_profile(c, "fine-tuned")->notice, "no fine-tuned model is configured"));
	assert_non_null(strstr(config_profile(c, "hybrid")->notice, "footnote init writes it"));
	assert_null(config_profile(c, "rag")->notice);
	assert_null(config_profile(c, "offline")->notice);

	/* Discovery points the base-model profiles at a server; offline stays builtin. */
	struct cfg_provider srv = {.name = (char *)"ollama", .kind = PROVIDER_OLLAMA,
				   .base_url = (char *)"http://127.0.0.1:11434", .api_key_env = (char *)""};
	assert_int_equal(config_use_base(c, &srv, "llama3.1:latest"), 3);
	assert_string_equal(config_profile(c, "rag")->model, "llama3.1:latest");
	assert_string_equal(config_profile(c, "hybrid")->provider, "ollama");
	assert_false(config_profile(c, "fine-tuned")->retrieval.enabled);
	assert_non_null(strstr(config_profile(c, "fine-tuned")->notice, "the base model llama3.1:latest (provider ollama)"));
	assert_string_equal(config_profile(c, "offline")->provider, "builtin");
	assert_string_equal(config_provider(c, "ollama")->base_url, "http://127.0.0.1:11434");
	config_free(c);

	/* A fine-tuned profile in the file: hybrid uses its model, nobody stands in. */
	char *path = write_file("c.yaml", "providers:\n  p: {kind: openai}\nprofiles:\n"
				"  fine-tuned: {provider: p, model: my-ft}\n  mine: {provider: builtin}\n", 0600);
	char *err = NULL;
	if (config_load(path, &c, &err) != 0)
		fail_msg("%s", err);
	assert_false(config_profile(c, "fine-tuned")->builtin);
	assert_string_equal(config_profile(c, "hybrid")->model, "my-ft");
	assert_null(config_profile(c, "hybrid")->notice);
	assert_non_null(config_profile(c, "rag"));
	assert_non_null(config_profile(c, "offline"));
	assert_non_null(config_profile(c, "mine"));
	assert_string_equal(c->default_profile, "rag");
	config_free(c);
	free(path);
}

/* Where the question goes, when it leaves this machine: the host only. */
static void test_remote_notice(void **state)
{
	(void)state;
	struct cfg_provider p = {.name = (char *)"openai", .kind = PROVIDER_OPENAI,
				 .base_url = (char *)"https://user:pw@api.openai.com/v1"};
	char *n = discover_remote_notice(&p);
	assert_non_null(n);
	assert_string_equal(n, "Your question and the passages found are sent to api.openai.com (provider openai), "
			       "off this machine.");
	free(n);
	const char *local[] = {"http://127.0.0.1:8080/v1", "http://localhost:11434", "http://[::1]:8000/v1",
			       "http://127.1.2.3/v1"};
	for (size_t i = 0; i < 4; i++) {
		p.base_url = (char *)local[i];
		assert_null(discover_remote_notice(&p));
	}
	p.base_url = (char *)"http://10.0.0.5:8080/v1";
	n = discover_remote_notice(&p);
	assert_non_null(strstr(n, "sent to 10.0.0.5 (provider"));
	free(n);
	p.kind = PROVIDER_BUILTIN;
	assert_null(discover_remote_notice(&p));
}

static void test_env_expansion(void **state)
{
	(void)state;
	setenv("FN_TEST_URL", "http://127.0.0.1:9999/v1", 1);
	unsetenv("FN_TEST_UNSET");
	char *path = write_file("c.yaml",
				"providers:\n  p: {kind: openai, base_url: \"${FN_TEST_URL}\", api_key_env: "
				"\"${FN_TEST_UNSET:-MY_KEY}\"}\nembedder: {model: \"$${x}\"}\n", 0644);
	struct config *c = NULL;
	char *err = NULL;
	if (config_load(path, &c, &err) != 0)
		fail_msg("%s", err);
	assert_string_equal(config_provider(c, "p")->base_url, "http://127.0.0.1:9999/v1");
	assert_string_equal(config_provider(c, "p")->api_key_env, "MY_KEY");
	assert_string_equal(c->embedder.model, "${x}");
	config_free(c);
	free(path);
	assert_err("ui: {theme: \"${FN_TEST_UNSET}\"}\n", "ui.theme: environment variable FN_TEST_UNSET is not set");
}

/* A literal key in a file others can read is refused, and the key is never echoed. */
static void test_literal_key_needs_private_file(void **state)
{
	(void)state;
	const char *text = "providers:\n  p: {kind: openai, api_key: sk-SECRET123}\n";
	char *err = load_err(text, 0644);
	assert_non_null(err);
	assert_non_null(strstr(err, "chmod 600"));
	assert_non_null(strstr(err, "c.yaml:2:"));
	assert_null(strstr(err, "sk-SECRET123"));
	free(err);
	assert_null(load_err(text, 0600));
	err = load_err("providers:\n  p: {kind: openai, api_key: [sk-SECRET123]}\n", 0600);
	assert_null(strstr(err, "SECRET"));
	free(err);
}

static void test_env_var_and_missing_explicit_file(void **state)
{
	(void)state;
	char *path = write_file("env.yaml", "ui: {sources_width: 55}\n", 0644);
	setenv("FOOTNOTE_CONFIG", path, 1);
	struct config *c = NULL;
	char *err = NULL;
	assert_int_equal(config_load(NULL, &c, &err), 0);
	assert_int_equal(c->ui.sources_width, 55);
	assert_string_equal(c->file, path);
	config_free(c);
	unsetenv("FOOTNOTE_CONFIG");
	free(path);
	assert_int_equal(config_load("/nonexistent/footnote.yaml", &c, &err), -1);
	assert_non_null(strstr(err, "cannot open"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_loads),
		cmocka_unit_test(test_example_documents_every_key),
		cmocka_unit_test(test_no_file_gives_defaults),
		cmocka_unit_test(test_bad_int_names_file_line_column),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_unknown_and_duplicate_keys),
		cmocka_unit_test(test_env_expansion),
		cmocka_unit_test(test_literal_key_needs_private_file),
		cmocka_unit_test(test_env_var_and_missing_explicit_file),
		cmocka_unit_test(test_builtin_profiles),
		cmocka_unit_test(test_remote_notice),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
