/* finetune.h - which fine-tune answers for a profile, as it is served, for the request and
 * the provenance of every answer.
 *
 *   ft:BASE:ORG:NAME:ID   an OpenAI-style fine-tuned model id: kind "openai", base model
 *                         BASE, checkpoint the whole id unless the profile names one.
 *   adapter: N or PATH    a llama-server LoRA adapter: the id N, or the adapter whose path
 *                         (or its file name) GET /lora-adapters lists as PATH; each request
 *                         then carries "lora": [{"id": N, "scale": adapter_scale}]. Kind
 *                         "lora". A PATH the server does not list is sent as nothing, and
 *                         the provenance's adapter says "(not loaded by the server)".
 *   an Ollama model whose Modelfile has an ADAPTER line (POST /api/show): kind "ollama",
 *                         adapter that line's path.
 * The profile's checkpoint and dataset_version are recorded as written. Pure; the thread of
 * turn_start. */
#ifndef FN_FINETUNE_H
#define FN_FINETUNE_H

#include <stdbool.h>

struct cfg_profile;
struct cfg_provider;
struct server_limits;
struct provenance;

struct finetune_lora {
	bool send;      /* the request carries lora: [{id, scale}] */
	int id;
	double scale;
};

/* Fills pv's fine-tune fields (replacing what they held) and *lora. lim may be NULL (the
 * server's adapters are not known yet). */
void finetune_fill(const struct cfg_profile *pf, const struct cfg_provider *prov,
		   const struct server_limits *lim, struct provenance *pv, struct finetune_lora *lora);

#endif
