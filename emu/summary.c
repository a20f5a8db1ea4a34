/* emu/summary.c - EMU: what `nfemu replay` counts, and the closing summary it prints.
 * No kernel counterpart.  Counts are kept per interned name (a pointer compare per packet);
 * memory is bounded by the distinct rules, interfaces and reasons, not by the capture.
 */
#include <stdlib.h>
#include <string.h>
#include "emu/output_int.h"
#include "kernel/net.h"

/* ---------------------------------------------------------------- tallies */

static struct tally_ent *tally_find(struct tally *t, const char *key, bool interned)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].key == key)
			return &t->v[i];
	for (size_t i = 0; i < t->n; i++)
		if ((!interned || t->v[i].owned) && !strcmp(t->v[i].key, key))
			return &t->v[i];
	return NULL;
}

static void tally_insert(struct tally *t, const char *key, u64 by, bool interned)
{
	struct tally_ent *e = tally_find(t, key, interned);

	if (e) {
		e->n += by;
		return;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 8;
		struct tally_ent *nv = realloc(t->v, ncap * sizeof(*nv));

		if (!nv)
			return;         /* the summary loses a line, the replay goes on */
		t->v = nv;
		t->cap = ncap;
	}
	e = &t->v[t->n];
	e->owned = NULL;
	e->key = key;
	if (!interned) {
		e->owned = strdup(key);
		if (!e->owned)
			return;
		e->key = e->owned;
	}
	e->n = by;
	t->n++;
}

void tally_add(struct tally *t, const char *key, u64 by)
{
	tally_insert(t, key, by, false);
}

void tally_add_interned(struct tally *t, const char *key, u64 by)
{
	if (key)
		tally_insert(t, key, by, true);
}

static u64 tally_total(const struct tally *t)
{
	u64 sum = 0;

	for (size_t i = 0; i < t->n; i++)
		sum += t->v[i].n;
	return sum;
}

void tally_free(struct tally *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].owned);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* ---------------------------------------------------------------- counting fates */

/* Every capture packet that was replayed is counted here once, in the one class
 * fate_verdict() gives it (the JSON "verdict"), so that the summary's classes add up to the
 * packets replayed (tests/replay/run.py checks the identity on every scenario):
 * forwarded and sent by the interface the packet left by first (a packet fragmented on
 * the way out is still one packet), delivered, dropped by a rule or by the stack, stolen,
 * queued, or no fate; the ones still waiting at the end are counted by summary_print.
 * Packets the host generated are tallied apart, by outcome. */
void summary_count(struct nfemu_output *o, const struct fate *f)
{
	const char *v;

	if (f->generated) {
		char key[128];

		/* "OUT eth0", "DROP by filter:OUTPUT:rule:1": the outcome without notes */
		fate_outcome(f, key, sizeof(key), false);
		key[strcspn(key, ";")] = '\0';
		tally_add(&o->gen_fates, key, 1);
		return;
	}
	v = fate_verdict(f);
	if (!strcmp(v, "forward") || !strcmp(v, "out")) {
		tally_add_interned(f->ingress[0] ? &o->forwarded : &o->sent, f->egress[0], 1);
	} else if (!strcmp(v, "deliver")) {
		o->delivered++;
	} else if (!strcmp(v, "drop") || !strcmp(v, "reject")) {
		if (fate_netfilter_drop(f)) {
			tally_add_interned(&o->dropped_rule, f->drop_where, 1);
		} else {
			tally_add_interned(&o->dropped_stack,
					   out_stack_drop_name(o->names, skb_drop_reason_name(f->reason),
							       f->drop_where), 1);
			if (f->ingress[0] && !f->reached_prerouting)
				tally_add(&o->ip_rcv_fail, skb_drop_reason_name(f->reason), 1);
		}
	} else if (!strcmp(v, "stolen")) {
		o->stolen++;
	} else if (!strcmp(v, "queued")) {
		o->queued++;
	} else {
		o->nofate++;
	}
}

/* ---------------------------------------------------------------- the summary */

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) + (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

static void summary_tally(FILE *f, const char *title, const struct tally *t)
{
	if (!t->n)
		return;
	fprintf(f, "  %-28s %llu:", title, (unsigned long long)tally_total(t));
	for (size_t i = 0; i < t->n; i++)
		fprintf(f, "%s %s %llu", i ? "," : "", t->v[i].key, (unsigned long long)t->v[i].n);
	fputc('\n', f);
}

/* The capture packets (fates, not skbs: a fragmented packet waits as several) still
 * waiting at the end; generated packets still waiting are tallied with the generated. */
static u64 pending_count(const struct nfemu_output *o, bool generated)
{
	u64 n = 0;

	for (size_t i = 0; i < o->npend; i++) {
		size_t j;

		if (o->pend[i].f.generated != generated)
			continue;
		for (j = 0; j < i; j++)
			if (o->pend[j].n == o->pend[i].n && o->pend[j].f.kid == o->pend[i].f.kid)
				break;
		n += j == i;
	}
	return n;
}

/* At the end of the capture: the packets still waiting join the counts (once). */
void summary_finish(struct nfemu_output *o)
{
	u64 gpend = pending_count(o, true);

	o->pending_end = pending_count(o, false);
	if (gpend)
		tally_add(&o->gen_fates, "still pending", gpend);
}

void summary_print(struct nfemu_output *o)
{
	FILE *f = o->opts.summary;
	struct timespec now;
	double elapsed;

	if (!f)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = ts_diff(&now, &o->start);
	fprintf(f, "nfemu replay: %llu packet%s in %s, %llu replayed (%llu sent by the host), "
		"%.3f s of capture, %.2f s, %.0f packets/s\n",
		(unsigned long long)o->records, o->records == 1 ? "" : "s",
		o->opts.capture_name ? o->opts.capture_name : "the capture",
		(unsigned long long)o->replayed, (unsigned long long)o->local_in,
		o->have_first_ts ? (double)(o->last_ts - o->first_ts) / 1e9 : 0.0, elapsed,
		elapsed > 0 ? (double)o->records / elapsed : 0.0);
	summary_tally(f, "forwarded, by interface", &o->forwarded);
	summary_tally(f, "sent by the host", &o->sent);
	if (o->delivered)
		fprintf(f, "  %-28s %llu\n", "delivered locally", (unsigned long long)o->delivered);
	summary_tally(f, "dropped by rule", &o->dropped_rule);
	summary_tally(f, "dropped by the stack", &o->dropped_stack);
	summary_tally(f, "  of which ip_rcv failures", &o->ip_rcv_fail);
	if (o->stolen)
		fprintf(f, "  %-28s %llu\n", "stolen", (unsigned long long)o->stolen);
	if (o->queued)
		fprintf(f, "  %-28s %llu\n", "queued", (unsigned long long)o->queued);
	if (o->generated)
		summary_tally(f, "generated by the host", &o->gen_fates);
	summary_tally(f, "skipped", &o->skipped);
	if (o->nofate)
		fprintf(f, "  %-28s %llu\n", "no fate reported", (unsigned long long)o->nofate);
	if (o->pending_end)
		fprintf(f, "  %-28s %llu\n", "still pending at the end",
			(unsigned long long)o->pending_end);
	fflush(f);
}

void summary_free(struct nfemu_output *o)
{
	tally_free(&o->forwarded);
	tally_free(&o->sent);
	tally_free(&o->gen_fates);
	tally_free(&o->dropped_rule);
	tally_free(&o->dropped_stack);
	tally_free(&o->ip_rcv_fail);
	tally_free(&o->skipped);
}
