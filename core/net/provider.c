/* provider.c - URLs, request bodies and model lists per provider kind (see provider.h). */
#include "core/net/provider.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/app/config.h"

char *provider_url(const char *base_url, const char *path)
{
	size_t n = strlen(base_url);
	while (n && base_url[n - 1] == '/')
		n--;
	while (*path == '/')
		path++;
	return xasprintf("%.*s/%s", (int)n, base_url, path);
}

static cJSON *messages_json(const struct provider_chat *chat)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < chat->n_messages; i++) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", chat->messages[i].role);
		cJSON_AddStringToObject(m, "content", chat->messages[i].content ? chat->messages[i].content : "");
		cJSON_AddItemToArray(arr, m);
	}
	return arr;
}

static char *print_json(cJSON *root)
{
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!s)
		s = xstrdup("{}"); /* cJSON failed to allocate; xmalloc would have aborted */
	char *r = xstrdup(s);
	cJSON_free(s);
	return r;
}

int provider_chat_request(const struct cfg_provider *p, const struct provider_chat *chat,
			  struct provider_request *out, char **err)
{
	memset(out, 0, sizeof *out);
	*err = NULL;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "model", chat->model ? chat->model : "");
	cJSON_AddItemToObject(root, "messages", messages_json(chat));
	cJSON_AddBoolToObject(root, "stream", !chat->no_stream);
	switch (p->kind) {
	case PROVIDER_OPENAI: {
		if (!chat->no_stream) {
			cJSON *so = cJSON_AddObjectToObject(root, "stream_options");
			cJSON_AddBoolToObject(so, "include_usage", 1);
		}
		cJSON_AddNumberToObject(root, "temperature", chat->temperature);
		if (chat->max_tokens > 0)
			cJSON_AddNumberToObject(root, "max_tokens", chat->max_tokens);
		if (chat->lora) {
			cJSON *one = cJSON_CreateObject();
			cJSON_AddNumberToObject(one, "id", chat->lora_id);
			cJSON_AddNumberToObject(one, "scale", chat->lora_scale);
			cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "lora"), one);
		}
		out->url = provider_url(p->base_url, "chat/completions");
		out->proto = STREAM_OPENAI_SSE;
		break;
	}
	case PROVIDER_OLLAMA: {
		cJSON *opt = cJSON_AddObjectToObject(root, "options");
		cJSON_AddNumberToObject(opt, "temperature", chat->temperature);
		if (chat->max_tokens > 0)
			cJSON_AddNumberToObject(opt, "num_predict", chat->max_tokens);
		/* Ollama cuts the start of a longer prompt silently: say the window it was fitted to. */
		if (chat->num_ctx > 0)
			cJSON_AddNumberToObject(opt, "num_ctx", chat->num_ctx);
		out->url = provider_url(p->base_url, "api/chat");
		out->proto = STREAM_OLLAMA_NDJSON;
		break;
	}
	default:
		cJSON_Delete(root);
		*err = xasprintf("provider %s is %s: it has no HTTP chat endpoint", p->name,
				 provider_kind_name(p->kind));
		return -1;
	}
	out->body = print_json(root);
	return 0;
}

void provider_request_free(struct provider_request *r)
{
	free(r->url);
	free(r->body);
	memset(r, 0, sizeof *r);
}

void provider_net_request(const struct cfg_provider *p, const struct provider_request *r,
			  const char *api_key, struct net_request *out)
{
	memset(out, 0, sizeof *out);
	out->url = r->url;
	out->body = r->body;
	out->body_len = strlen(r->body);
	out->proto = r->proto;
	out->api_key = api_key;
	out->connect_timeout_s = p->connect_timeout_s;
	out->timeout_s = p->timeout_s;
	out->idle_timeout_s = p->idle_timeout_s;
	out->max_retries = p->max_retries;
	out->think = (enum stream_think)p->think;
	out->retry_cap_s = p->retry_cap_s;
}

/* Adds the string member `key` of every object in arr. */
static void collect(const cJSON *arr, const char *key, struct provider_models *m)
{
	size_t cap = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, key);
		if (!cJSON_IsString(name) || !name->valuestring[0])
			continue;
		m->v = xgrow(m->v, &cap, m->n + 1, sizeof *m->v);
		m->v[m->n++] = xstrdup(name->valuestring);
	}
}

int provider_list_models(const struct cfg_provider *p, const char *api_key,
			 struct provider_models *out, int *status, char **err)
{
	memset(out, 0, sizeof *out);
	*status = 0;
	*err = NULL;
	const char *path;
	if (p->kind == PROVIDER_OPENAI)
		path = "models";
	else if (p->kind == PROVIDER_OLLAMA)
		path = "api/tags";
	else {
		*err = xasprintf("provider %s is builtin: it has no model server", p->name);
		return PROVIDER_EBUILTIN;
	}
	char *url = provider_url(p->base_url, path);
	struct net_http_req req = {
		.method = "GET",
		.url = url,
		.api_key = api_key,
		.connect_timeout_s = p->connect_timeout_s,
		.timeout_s = p->timeout_s < 30 ? p->timeout_s : 30,
		.max_body = 16 << 20,
	};
	struct net_easy *e = net_easy_new();
	struct net_http_reply rep;
	int rc = PROVIDER_OK;
	if (net_http(e, &req, &rep) < 0) {
		*err = xstrdup(rep.error);
		rc = PROVIDER_ENET;
		goto out;
	}
	*status = rep.status;
	if (rep.status < 200 || rep.status > 299) {
		char *msg = stream_error_message(rep.body, rep.len, NULL);
		*err = xasprintf("HTTP %d from GET %s%s%s", rep.status, url, *msg ? ": " : "", msg);
		free(msg);
		rc = PROVIDER_EHTTP;
		goto out;
	}
	cJSON *root = cJSON_ParseWithLength(rep.body, rep.len);
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root,
							     p->kind == PROVIDER_OPENAI ? "data" : "models");
	if (!cJSON_IsArray(arr)) {
		*err = xasprintf("GET %s did not return a model list (is base_url right? openai "
				 "servers usually end in /v1)", url);
		rc = PROVIDER_EREPLY;
	} else {
		collect(arr, p->kind == PROVIDER_OPENAI ? "id" : "name", out);
	}
	cJSON_Delete(root);
out:
	net_http_reply_free(&rep);
	net_easy_free(e);
	free(url);
	return rc;
}

void provider_models_free(struct provider_models *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	memset(m, 0, sizeof *m);
}

bool provider_models_has(const struct cfg_provider *p, const struct provider_models *m,
			 const char *model)
{
	size_t n = strlen(model);
	for (size_t i = 0; i < m->n; i++) {
		if (!strcmp(m->v[i], model))
			return true;
		/* Ollama lists "llama3.1:latest" for a model pulled as "llama3.1". */
		if (p->kind == PROVIDER_OLLAMA && !strchr(model, ':') && !strncmp(m->v[i], model, n) &&
		    !strcmp(m->v[i] + n, ":latest"))
			return true;
	}
	return false;
}
