/* conntrack/nf_conntrack_state.c - EMU: the conntrack table in the state file.
 *
 * No kernel counterpart (ctnetlink dumps and conntrackd restores come closest): `nfemu
 * replay --state` writes the table back so that `nfemu conntrack -L` and the next replay see
 * it.  Saved: the capture clock, and each confirmed, live entry of the hash with its tuples,
 * status, mark, zone, the time it has left (jiffies, relative to the clock), the tracker's
 * state, the acct/tstamp extensions, its helper (name and private data) and, for an expected
 * entry, its master (by original tuple); then the live expectations.  Unconfirmed and dying
 * entries belong to packets in flight and are not saved.  Payload (host byte order), inside
 * emu/state.c's section:
 *   u32 version, u64 now_ns, u64 boot_ns, u32 count, count x record (see ct_put_record),
 *   u32 nexp, nexp x expectation (see ct_put_expect)        -- version 2 on; 1 still reads
 * Version 3 adds NAT: the nat (masquerade device) and seqadj extensions of an entry, and an
 * expectation's NAT fields (saved address/port, direction, its expectfn by name); an entry
 * with a source binding goes back into NAT's bysource hash.
 * Loading checks every field a corrupt file could make dangerous and says which record.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "kernel/rtstate.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_expect.h"
#include "conntrack/nf_conntrack_helper.h"
#include "conntrack/nf_conntrack_state.h"

#define NF_CT_STATE_VERSION 3u
/* bits a saved entry may carry: no DYING, TEMPLATE, UNTRACKED/NAT_CLASH or offload */
#define NF_CT_STATE_STATUS_OK (IPS_EXPECTED | IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED | \
			       IPS_SRC_NAT | IPS_DST_NAT | IPS_SEQ_ADJUST | IPS_SRC_NAT_DONE | \
			       IPS_DST_NAT_DONE | IPS_FIXED_TIMEOUT | IPS_HELPER)
#define NF_CT_STATE_EXT_ACCT 0x01
#define NF_CT_STATE_EXT_TSTAMP 0x02
#define NF_CT_STATE_EXT_HELPER 0x04     /* version 2: helper name, its data[] */
#define NF_CT_STATE_EXT_MASTER 0x08     /* version 2: the master's original tuple and zone */
#define NF_CT_STATE_EXT_NAT 0x10        /* version 3: nf_conn_nat.masq_index */
#define NF_CT_STATE_EXT_SEQADJ 0x20     /* version 3: both directions' nf_ct_seqadj */
#define NF_CT_STATE_EXT_V2 (NF_CT_STATE_EXT_ACCT | NF_CT_STATE_EXT_TSTAMP | \
			    NF_CT_STATE_EXT_HELPER | NF_CT_STATE_EXT_MASTER)
#define NF_CT_STATE_EXT_ALL (NF_CT_STATE_EXT_V2 | NF_CT_STATE_EXT_NAT | NF_CT_STATE_EXT_SEQADJ)
#define NF_CT_EXPFN_NAME_LEN 32

/* the writer and reader are the run-time state section's (kernel/rtstate.h) */
#define PUT(b, v) do { __typeof__(v) _v = (v); rts_put(b, &_v, sizeof(_v)); } while (0)

static void ct_put_tuple(struct rts_w *b, const struct nf_conntrack_tuple *t)
{
	PUT(b, t->src.u3.ip);
	PUT(b, t->dst.u3.ip);
	PUT(b, t->src.u.all);
	PUT(b, t->dst.u.all);
	PUT(b, t->dst.protonum);
	PUT(b, t->src.l3num);
}

/* One entry: both tuples, status, timeout left, mark, zone, tracker state, extensions. */
static void ct_put_record(struct rts_w *b, const struct nf_conn *ct)
{
	const struct nf_conn_acct *acct = nf_conn_acct_find(ct);
	const struct nf_conn_tstamp *tstamp = nf_conn_tstamp_find(ct);
	u32 now = nfct_time_stamp(nf_ct_net(ct));
	const struct nf_conn_help *help = nfct_help(ct);
	const struct nf_conn_nat *nat = nf_ct_ext_find(ct, NF_CT_EXT_NAT);
	const struct nf_conn_seqadj *seqadj = nfct_seqadj(ct);
	u8 ext = (acct ? NF_CT_STATE_EXT_ACCT : 0) | (tstamp ? NF_CT_STATE_EXT_TSTAMP : 0) |
		 (help && help->helper ? NF_CT_STATE_EXT_HELPER : 0) |
		 (ct->master ? NF_CT_STATE_EXT_MASTER : 0) | (nat ? NF_CT_STATE_EXT_NAT : 0) |
		 (seqadj ? NF_CT_STATE_EXT_SEQADJ : 0);

	ct_put_tuple(b, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple);
	ct_put_tuple(b, &ct->tuplehash[IP_CT_DIR_REPLY].tuple);
	PUT(b, (u32)ct->status);
	PUT(b, (s32)(ct->timeout - now));
	PUT(b, ct->mark);
	PUT(b, ct->zone.id);
	PUT(b, ct->zone.flags);
	PUT(b, ct->zone.dir);
	for (int dir = 0; dir < 2; dir++) {
		const struct ip_ct_tcp_state *s = &ct->proto.tcp.seen[dir];

		PUT(b, s->td_end);
		PUT(b, s->td_maxend);
		PUT(b, s->td_maxwin);
		PUT(b, s->td_maxack);
		PUT(b, s->td_scale);
		PUT(b, s->flags);
	}
	PUT(b, ct->proto.tcp.state);
	PUT(b, ct->proto.tcp.last_dir);
	PUT(b, ct->proto.tcp.retrans);
	PUT(b, ct->proto.tcp.last_index);
	PUT(b, ct->proto.tcp.last_seq);
	PUT(b, ct->proto.tcp.last_ack);
	PUT(b, ct->proto.tcp.last_end);
	PUT(b, ct->proto.tcp.last_win);
	PUT(b, ct->proto.tcp.last_wscale);
	PUT(b, ct->proto.tcp.last_flags);
	/* UDP's stream timestamp, relative (the union overlaps TCP: only meaningful for UDP) */
	PUT(b, (s32)(nf_ct_protonum(ct) == IPPROTO_UDP ?
		     (long)(ct->proto.udp.stream_ts - nfemu_jiffies(nf_ct_net(ct))) : 0));
	PUT(b, ext);
	if (acct)
		for (int dir = 0; dir < 2; dir++) {
			PUT(b, acct->counter[dir].packets);
			PUT(b, acct->counter[dir].bytes);
		}
	if (tstamp) {
		PUT(b, tstamp->start);
		PUT(b, tstamp->stop);
	}
	if (ext & NF_CT_STATE_EXT_HELPER) {
		char name[NF_CT_HELPER_NAME_LEN] = "";

		snprintf(name, sizeof(name), "%s", help->helper->name);
		rts_put(b, name, sizeof(name));
		rts_put(b, help->data, sizeof(help->data));
	}
	if (ext & NF_CT_STATE_EXT_MASTER) {
		ct_put_tuple(b, &ct->master->tuplehash[IP_CT_DIR_ORIGINAL].tuple);
		PUT(b, ct->master->zone.id);
		PUT(b, ct->master->zone.flags);
		PUT(b, ct->master->zone.dir);
	}
	if (nat)
		PUT(b, (s32)nat->masq_index);
	if (seqadj)
		for (int dir = 0; dir < 2; dir++) {
			PUT(b, seqadj->seq[dir].correction_pos);
			PUT(b, seqadj->seq[dir].offset_before);
			PUT(b, seqadj->seq[dir].offset_after);
		}
}

/* One expectation: tuple and mask, zone, flags, class, time left, master, helpers, NAT. */
static void ct_put_expect(struct rts_w *b, const struct nf_conntrack_expect *exp)
{
	const struct nf_ct_helper_expectfn *fn = exp->expectfn ?
		nf_ct_helper_expectfn_find_by_symbol(exp->net, (const void *)exp->expectfn) : NULL;
	char fnname[NF_CT_EXPFN_NAME_LEN] = "";
	char name[NF_CT_HELPER_NAME_LEN];

	ct_put_tuple(b, &exp->tuple);
	PUT(b, exp->mask.src.u3.ip);
	PUT(b, exp->mask.src.u.all);
	PUT(b, exp->zone.id);
	PUT(b, exp->zone.flags);
	PUT(b, exp->zone.dir);
	PUT(b, (u32)exp->flags);
	PUT(b, (u32)exp->class);
	PUT(b, (s32)(exp->timeout - nfct_time_stamp(exp->net)));
	ct_put_tuple(b, &exp->master->tuplehash[IP_CT_DIR_ORIGINAL].tuple);
	PUT(b, exp->master->zone.id);
	PUT(b, exp->master->zone.flags);
	PUT(b, exp->master->zone.dir);
	memset(name, 0, sizeof(name));
	if (exp->helper)
		snprintf(name, sizeof(name), "%s", exp->helper->name);
	rts_put(b, name, sizeof(name));
	memset(name, 0, sizeof(name));
	if (exp->assign_helper)
		snprintf(name, sizeof(name), "%s", exp->assign_helper->name);
	rts_put(b, name, sizeof(name));
	if (fn)
		snprintf(fnname, sizeof(fnname), "%s", fn->name);
	rts_put(b, fnname, sizeof(fnname));
	PUT(b, exp->saved_addr.ip);
	PUT(b, exp->saved_proto.all);
	PUT(b, (u8)exp->dir);
}

/* What is saved: each entry once, live ones only (an expired one is as good as gone)... */
static bool ct_saved(const struct nf_conntrack_tuple_hash *h)
{
	const struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

	return NF_CT_DIRECTION(h) == IP_CT_DIR_ORIGINAL && !nf_ct_is_dying(ct) && !nf_ct_is_expired(ct);
}

/* ...and the expectations whose master is saved. */
static bool ct_exp_saved(const struct nf_conntrack_expect *exp)
{
	return !nf_ct_exp_is_expired(exp) && nf_ct_is_confirmed(exp->master) &&
	       !nf_ct_is_dying(exp->master) && !nf_ct_is_expired(exp->master);
}

int nf_conntrack_state_save_stream(struct net *net, int (*flush)(void *ctx, const unsigned char *p,
								 size_t n),
				   void *ctx, unsigned char **bufp, size_t *lenp)
{
	struct rts_w b = { .flush = flush, .flush_ctx = ctx };
	u32 count = 0, nexp = 0;

	*bufp = NULL;
	*lenp = 0;
	if (!net->ct.ready)
		return 0;
	/* counted first: the counts come before what they count, and may already be flushed */
	for (unsigned int i = 0; i < net->ct.htable_size; i++) {
		struct nf_conntrack_tuple_hash *h;

		hlist_for_each_entry(h, &net->ct.hash[i], hnnode)
			count += ct_saved(h);
	}
	for (unsigned int i = 0; net->ct.expect_hash && i < net->ct.expect_hsize; i++) {
		const struct nf_conntrack_expect *exp;

		hlist_for_each_entry(exp, &net->ct.expect_hash[i], hnode)
			nexp += ct_exp_saved(exp);
	}
	PUT(&b, (u32)NF_CT_STATE_VERSION);
	PUT(&b, net->clock.now_ns);
	PUT(&b, net->clock.boot_ns);
	PUT(&b, count);
	for (unsigned int i = 0; i < net->ct.htable_size; i++) {
		struct nf_conntrack_tuple_hash *h;

		hlist_for_each_entry(h, &net->ct.hash[i], hnnode)
			if (ct_saved(h))
				ct_put_record(&b, nf_ct_tuplehash_to_ctrack(h));
	}
	PUT(&b, nexp);
	for (unsigned int i = 0; net->ct.expect_hash && i < net->ct.expect_hsize; i++) {
		const struct nf_conntrack_expect *exp;

		hlist_for_each_entry(exp, &net->ct.expect_hash[i], hnode)
			if (ct_exp_saved(exp))
				ct_put_expect(&b, exp);
	}
	if (b.err) {
		free(b.buf);
		return b.err;
	}
	*bufp = b.buf;
	*lenp = b.len;
	return 0;
}

int nf_conntrack_state_save(struct net *net, unsigned char **bufp, size_t *lenp)
{
	return nf_conntrack_state_save_stream(net, NULL, NULL, bufp, lenp);
}

/* ------------------------------------------------------------------------------------------ */

#define GET(r, v) rts_get(r, &(v), sizeof(v))

static void ct_get_tuple(struct rts_r *r, struct nf_conntrack_tuple *t, u8 dir)
{
	memset(t, 0, sizeof(*t));
	GET(r, t->src.u3.ip);
	GET(r, t->dst.u3.ip);
	GET(r, t->src.u.all);
	GET(r, t->dst.u.all);
	GET(r, t->dst.protonum);
	GET(r, t->src.l3num);
	t->dst.dir = dir;
}

__attribute__((format(printf, 3, 4)))
static int ct_state_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* An expected entry whose master is looked up once every entry is in. */
struct ct_pending_master {
	struct nf_conn *ct;             /* held */
	struct nf_conntrack_tuple tuple;
	struct nf_conntrack_zone zone;
};

struct ct_load {
	u32 version;
	size_t base;                    /* the payload offset of the reader's first byte */
	struct ct_pending_master *pending;
	size_t npending, cap;
};

static bool ct_zone_ok(const struct nf_conntrack_zone *zone)
{
	return !(zone->dir & ~NF_CT_DEFAULT_ZONE_DIR) && !(zone->flags & ~NF_CT_FLAG_MARK);
}

/* A helper name as saved: NUL-terminated within its field and registered (for l4proto). */
static int ct_get_helper(struct net *net, struct rts_r *r, u8 protonum, bool may_be_empty,
			 const struct nf_conntrack_helper **hp)
{
	char name[NF_CT_HELPER_NAME_LEN];

	GET(r, name);
	*hp = NULL;
	if (r->why)
		return 0;
	if (!memchr(name, '\0', sizeof(name)))
		return -EINVAL;
	if (!name[0])
		return may_be_empty ? 0 : -EINVAL;
	*hp = __nf_conntrack_helper_find(net, name, NFPROTO_IPV4, protonum);
	return *hp ? 0 : -ENOENT;
}

/* Read one record into a fresh entry and insert it; 0 or -errno with err set. */
static int ct_load_record(struct net *net, struct rts_r *r, u32 i, struct ct_load *ld,
			  char *err, size_t errlen)
{
	struct nf_conntrack_tuple orig, repl, inv;
	struct nf_conntrack_zone zone;
	size_t at = ld->base + r->off;
	struct nf_conn *ct;
	u32 status, mark;
	s32 left, stream;
	u8 ext;
	int ret;

	ct_get_tuple(r, &orig, IP_CT_DIR_ORIGINAL);
	ct_get_tuple(r, &repl, IP_CT_DIR_REPLY);
	GET(r, status);
	GET(r, left);
	GET(r, mark);
	GET(r, zone.id);
	GET(r, zone.flags);
	GET(r, zone.dir);
	if (r->why)
		return ct_state_err(err, errlen, "entry %u at +%zu: truncated", i + 1, at);
	if (orig.src.l3num != NFPROTO_IPV4 || repl.src.l3num != NFPROTO_IPV4 ||
	    orig.dst.protonum != repl.dst.protonum)
		return ct_state_err(err, errlen, "entry %u at +%zu: not an IPv4 entry", i + 1, at);
	if (!nf_ct_invert_tuple(&inv, &orig))
		return ct_state_err(err, errlen, "entry %u at +%zu: ICMP type %u has no reply", i + 1,
				    at, orig.dst.u.icmp.type);
	if ((status & ~(u32)NF_CT_STATE_STATUS_OK) || !(status & IPS_CONFIRMED))
		return ct_state_err(err, errlen, "entry %u at +%zu: bad status 0x%x", i + 1, at, status);
	if (zone.dir & ~NF_CT_DEFAULT_ZONE_DIR || zone.flags & ~NF_CT_FLAG_MARK)
		return ct_state_err(err, errlen, "entry %u at +%zu: bad zone", i + 1, at);

	ct = nf_conntrack_alloc(net, &zone, &orig, &repl);
	if (IS_ERR(ct))
		return ct_state_err(err, errlen, "entry %u: table full (nf_conntrack_max)", i + 1);
	ct->mark = mark;
	ct->timeout = nfct_time_stamp(net) + (u32)left;
	for (int dir = 0; dir < 2; dir++) {
		struct ip_ct_tcp_state *s = &ct->proto.tcp.seen[dir];

		GET(r, s->td_end);
		GET(r, s->td_maxend);
		GET(r, s->td_maxwin);
		GET(r, s->td_maxack);
		GET(r, s->td_scale);
		GET(r, s->flags);
	}
	GET(r, ct->proto.tcp.state);
	GET(r, ct->proto.tcp.last_dir);
	GET(r, ct->proto.tcp.retrans);
	GET(r, ct->proto.tcp.last_index);
	GET(r, ct->proto.tcp.last_seq);
	GET(r, ct->proto.tcp.last_ack);
	GET(r, ct->proto.tcp.last_end);
	GET(r, ct->proto.tcp.last_win);
	GET(r, ct->proto.tcp.last_wscale);
	GET(r, ct->proto.tcp.last_flags);
	GET(r, stream);
	GET(r, ext);
	ret = -EINVAL;
	if (r->why) {
		ct_state_err(err, errlen, "entry %u at +%zu: truncated", i + 1, at);
		goto fail;
	}
	if (nf_ct_protonum(ct) == IPPROTO_TCP) {
		if (ct->proto.tcp.state >= TCP_CONNTRACK_MAX || ct->proto.tcp.last_dir > 1 ||
		    ct->proto.tcp.last_index > 5 || ct->proto.tcp.seen[0].td_scale > 14 ||
		    ct->proto.tcp.seen[1].td_scale > 14) {
			ct_state_err(err, errlen, "entry %u at +%zu: bad TCP state", i + 1, at);
			goto fail;
		}
	} else {
		memset(&ct->proto, 0, sizeof(ct->proto));
		if (nf_ct_protonum(ct) == IPPROTO_UDP)
			ct->proto.udp.stream_ts = nfemu_jiffies(net) + (unsigned long)(long)stream;
	}
	if (ext & ~(ld->version >= 3 ? NF_CT_STATE_EXT_ALL : ld->version == 2 ? NF_CT_STATE_EXT_V2 :
		    NF_CT_STATE_EXT_ACCT | NF_CT_STATE_EXT_TSTAMP)) {
		ct_state_err(err, errlen, "entry %u at +%zu: unknown extensions 0x%x", i + 1, at, ext);
		goto fail;
	}
	if (ext & NF_CT_STATE_EXT_ACCT) {
		struct nf_conn_acct *acct = nf_ct_ext_add(ct, NF_CT_EXT_ACCT);

		for (int dir = 0; dir < 2; dir++) {
			u64 packets, bytes;

			GET(r, packets);
			GET(r, bytes);
			if (acct) {
				acct->counter[dir].packets = packets;
				acct->counter[dir].bytes = bytes;
			}
		}
	}
	if (ext & NF_CT_STATE_EXT_TSTAMP) {
		struct nf_conn_tstamp *tstamp = nf_ct_ext_add(ct, NF_CT_EXT_TSTAMP);
		u64 start, stop;

		GET(r, start);
		GET(r, stop);
		if (tstamp) {
			tstamp->start = start;
			tstamp->stop = stop;
		}
	}
	if (ext & NF_CT_STATE_EXT_HELPER) {
		const struct nf_conntrack_helper *helper;
		u8 data[sizeof(((struct nf_conn_help *)0)->data)];
		struct nf_conn_help *help;

		ret = ct_get_helper(net, r, nf_ct_protonum(ct), false, &helper);
		GET(r, data);
		if (ret) {
			ct_state_err(err, errlen, "entry %u at +%zu: helper %s", i + 1, at,
				     ret == -ENOENT ? "not registered (its module is not loaded)" :
				     "name not terminated");
			ret = -EINVAL;
			goto fail;
		}
		help = helper ? nf_ct_helper_ext_add(ct) : NULL;
		if (help) {
			help->helper = helper;
			memcpy(help->data, data, sizeof(data));
		}
	}
	if (ext & NF_CT_STATE_EXT_MASTER) {
		struct ct_pending_master pm = { 0 };

		ct_get_tuple(r, &pm.tuple, IP_CT_DIR_ORIGINAL);
		GET(r, pm.zone.id);
		GET(r, pm.zone.flags);
		GET(r, pm.zone.dir);
		if (!r->why && (pm.tuple.src.l3num != NFPROTO_IPV4 || !ct_zone_ok(&pm.zone))) {
			ct_state_err(err, errlen, "entry %u at +%zu: bad master", i + 1, at);
			goto fail;
		}
		if (!r->why) {
			if (ld->npending == ld->cap) {
				size_t ncap = ld->cap ? ld->cap * 2 : 16;
				struct ct_pending_master *np = realloc(ld->pending, ncap * sizeof(*np));

				if (!np) {
					ct_state_err(err, errlen, "out of memory");
					ret = -ENOMEM;
					goto fail;
				}
				ld->pending = np;
				ld->cap = ncap;
			}
			pm.ct = ct;
			ld->pending[ld->npending++] = pm;
		}
	}
	if (ext & NF_CT_STATE_EXT_NAT) {
		struct nf_conn_nat *nat = nf_ct_ext_add(ct, NF_CT_EXT_NAT);
		s32 masq_index;

		GET(r, masq_index);
		if (nat)
			nat->masq_index = masq_index;
	}
	if (ext & NF_CT_STATE_EXT_SEQADJ) {
		struct nf_conn_seqadj *seqadj = nfct_seqadj_ext_add(ct);

		for (int dir = 0; dir < 2; dir++) {
			struct nf_ct_seqadj s;

			GET(r, s.correction_pos);
			GET(r, s.offset_before);
			GET(r, s.offset_after);
			if (seqadj)
				seqadj->seq[dir] = s;
		}
	}
	if (r->why) {
		ct_state_err(err, errlen, "entry %u at +%zu: truncated", i + 1, at);
		goto fail;
	}
	/* NAT bindings live as long as nf_nat is loaded (its unload kills or unbinds them) */
	if ((status & (IPS_NAT_MASK | IPS_NAT_DONE_MASK)) && !net->nf.nat_hook) {
		ct_state_err(err, errlen, "entry %u at +%zu: a NAT binding, but nf_nat is not loaded",
			     i + 1, at);
		goto fail;
	}
	/* confirmed last: extensions are only added to unconfirmed entries */
	ct->status = status;
	/* hash_check_insert wants the caller's reference: use 1, then 2 with the hash's */
	ct->ct_general.use = 1;
	ret = nf_conntrack_hash_check_insert(ct);
	if (ret) {
		ct_state_err(err, errlen, "entry %u at +%zu: %s", i + 1, at,
			     ret == -EEXIST ? "saved twice" : "hash chain too long");
		goto fail;
	}
	/* back into the bysource hash, where nf_nat_setup_info put it */
	if (status & IPS_SRC_NAT_DONE)
		net->nf.nat_hook->add_nat_bysrc(ct);
	/* a pending master fixup keeps the caller's reference until it is done */
	if (!(ld->npending && ld->pending[ld->npending - 1].ct == ct))
		nf_ct_put(ct);
	return 0;
fail:
	if (ld->npending && ld->pending[ld->npending - 1].ct == ct)
		ld->npending--;
	ct->status &= ~(unsigned long)IPS_CONFIRMED;
	nf_conntrack_free(ct);
	return ret;
}

/* Give each expected entry its master (the entry holds a reference to it, as Linux's
 * child does); a master that was not saved (expired) leaves the entry without one. */
static void ct_load_masters(struct net *net, struct ct_load *ld)
{
	for (size_t i = 0; i < ld->npending; i++) {
		struct ct_pending_master *pm = &ld->pending[i];
		struct nf_conntrack_tuple_hash *h;

		if (!nf_ct_is_dying(pm->ct) && !pm->ct->master) {
			h = nf_conntrack_find_get(net, &pm->zone, &pm->tuple);
			if (h && NF_CT_DIRECTION(h) == IP_CT_DIR_ORIGINAL &&
			    nf_ct_tuplehash_to_ctrack(h) != pm->ct)
				pm->ct->master = nf_ct_tuplehash_to_ctrack(h);
			else if (h)
				nf_ct_put(nf_ct_tuplehash_to_ctrack(h));
		}
		nf_ct_put(pm->ct);
	}
	ld->npending = 0;
}

/* Read one expectation and put it in the table; 0 or -errno with err set. */
static int ct_load_expect(struct net *net, struct rts_r *r, size_t base, u32 i, u32 version,
			  char *err, size_t errlen)
{
	const struct nf_ct_helper_expectfn *fn = NULL;
	char fnname[NF_CT_EXPFN_NAME_LEN] = "";
	union nf_inet_addr saved_addr = {};
	union nf_conntrack_man_proto saved_proto = {};
	u8 dir = 0;
	const struct nf_conntrack_helper *helper, *assign_helper;
	struct nf_conntrack_tuple tuple, mtuple;
	struct nf_conntrack_zone zone, mzone;
	struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_expect *exp;
	struct nf_conn *master;
	__be32 mask_ip;
	__be16 mask_port;
	u32 flags, class;
	s32 left;
	size_t at = base + r->off;
	int ret, ret2;

	ct_get_tuple(r, &tuple, IP_CT_DIR_ORIGINAL);
	GET(r, mask_ip);
	GET(r, mask_port);
	GET(r, zone.id);
	GET(r, zone.flags);
	GET(r, zone.dir);
	GET(r, flags);
	GET(r, class);
	GET(r, left);
	ct_get_tuple(r, &mtuple, IP_CT_DIR_ORIGINAL);
	GET(r, mzone.id);
	GET(r, mzone.flags);
	GET(r, mzone.dir);
	ret = ct_get_helper(net, r, tuple.dst.protonum, true, &helper);
	ret2 = ct_get_helper(net, r, tuple.dst.protonum, true, &assign_helper);
	if (version >= 3) {
		GET(r, fnname);
		GET(r, saved_addr.ip);
		GET(r, saved_proto.all);
		GET(r, dir);
	}
	if (r->why)
		return ct_state_err(err, errlen, "expectation %u at +%zu: truncated", i + 1, at);
	if (!memchr(fnname, '\0', sizeof(fnname)) || dir > IP_CT_DIR_REPLY)
		return ct_state_err(err, errlen, "expectation %u at +%zu: bad NAT fields", i + 1, at);
	if (fnname[0]) {
		fn = nf_ct_helper_expectfn_find_by_name(net, fnname);
		if (!fn)
			return ct_state_err(err, errlen, "expectation %u at +%zu: %s not registered "
					    "(its module is not loaded)", i + 1, at, fnname);
	}
	if (ret || ret2)
		return ct_state_err(err, errlen, "expectation %u at +%zu: helper not registered",
				    i + 1, at);
	if (tuple.src.l3num != NFPROTO_IPV4 || mtuple.src.l3num != NFPROTO_IPV4 ||
	    !ct_zone_ok(&zone) || !ct_zone_ok(&mzone) || class >= NF_CT_MAX_EXPECT_CLASSES ||
	    (flags & ~(u32)(NF_CT_EXPECT_PERMANENT | NF_CT_EXPECT_INACTIVE | NF_CT_EXPECT_USERSPACE)))
		return ct_state_err(err, errlen, "expectation %u at +%zu: bad fields", i + 1, at);
	h = nf_conntrack_find_get(net, &mzone, &mtuple);
	if (!h)
		return 0;       /* its master was not saved (expired): the expectation goes too */
	master = nf_ct_tuplehash_to_ctrack(h);
	if (!nfct_help(master)) {
		nf_ct_put(master);
		return ct_state_err(err, errlen, "expectation %u at +%zu: master has no helper",
				    i + 1, at);
	}
	exp = nf_ct_expect_alloc(master);
	if (!exp) {
		nf_ct_put(master);
		return ct_state_err(err, errlen, "out of memory");
	}
	exp->net = net;
	exp->tuple = tuple;
	exp->mask.src.u3.ip = mask_ip;
	exp->mask.src.u.all = mask_port;
	exp->zone = zone;
	exp->flags = flags;
	exp->class = class;
	exp->helper = helper;
	exp->assign_helper = assign_helper;
	exp->expectfn = fn ? fn->expectfn : NULL;
	exp->saved_addr = saved_addr;
	exp->saved_proto = saved_proto;
	exp->dir = dir;
	ret = nf_ct_expect_restore(exp, (u32)left);
	nf_ct_expect_put(exp);
	nf_ct_put(master);
	if (ret)
		return ct_state_err(err, errlen, "expectation %u at +%zu: %s", i + 1, at,
				    ret == -EMFILE ? "table full (nf_conntrack_expect_max)" : "refused");
	return 0;
}

/* Before each record: at least NF_CT_STATE_RECORD_MAX bytes in the reader's window, unless the
 * payload ends sooner.  A record is far smaller (the largest, with every extension, is under
 * 400 bytes). */
#define NF_CT_STATE_RECORD_MAX 65536u

static int ct_src_fill(struct nf_ct_state_src *src, struct rts_r *r, struct ct_load *ld)
{
	int ret;

	while (!src->eof && r->len - r->off < NF_CT_STATE_RECORD_MAX) {
		size_t keep = r->off, had = r->len - r->off;

		ret = src->more(src, keep);
		if (ret)
			return ret;
		if (src->len <= had && !src->eof)
			return -EIO;    /* no progress: a window too small for the margin */
		ld->base = src->base;
		r->buf = src->buf;
		r->len = src->len;
		r->off = 0;
	}
	return 0;
}

int nf_conntrack_state_load_src(struct net *net, struct nf_ct_state_src *src, char *err,
				size_t errlen)
{
	struct rts_r r = { .buf = src->buf, .len = src->len };
	struct ct_load ld = { .base = src->base };
	u64 now_ns, boot_ns;
	u32 version, count;
	int ret = 0;

	if (ct_src_fill(src, &r, &ld))
		return ct_state_err(err, errlen, "cannot read");
	GET(&r, version);
	if (r.why)
		return ct_state_err(err, errlen, "truncated header");
	if (version < 1 || version > NF_CT_STATE_VERSION)
		return ct_state_err(err, errlen, "format version %u, this nfemu reads versions 1 to %u",
				    version, NF_CT_STATE_VERSION);
	GET(&r, now_ns);
	GET(&r, boot_ns);
	GET(&r, count);
	if (r.why)
		return ct_state_err(err, errlen, "truncated header");
	if (boot_ns > now_ns)
		return ct_state_err(err, errlen, "clock: boot time after the current time");
	if (!net->ct.ready)
		return ct_state_err(err, errlen, "entries saved but nf_conntrack is not loaded");
	if (net->ct.count)
		return ct_state_err(err, errlen, "the table is not empty");
	net->clock.now_ns = now_ns;
	net->clock.boot_ns = boot_ns;
	ld.version = version;
	for (u32 i = 0; i < count; i++) {
		if (ct_src_fill(src, &r, &ld)) {
			ret = ct_state_err(err, errlen, "entry %u: cannot read", i + 1);
			break;
		}
		ret = ct_load_record(net, &r, i, &ld, err, errlen);
		if (ret)
			break;
	}
	ct_load_masters(net, &ld);
	free(ld.pending);
	if (ret)
		return ret;
	if (version >= 2) {
		u32 nexp;

		if (ct_src_fill(src, &r, &ld))
			return ct_state_err(err, errlen, "cannot read");
		GET(&r, nexp);
		if (r.why)
			return ct_state_err(err, errlen, "truncated after %u entries", count);
		for (u32 i = 0; i < nexp; i++) {
			if (ct_src_fill(src, &r, &ld))
				return ct_state_err(err, errlen, "expectation %u: cannot read", i + 1);
			ret = ct_load_expect(net, &r, ld.base, i, version, err, errlen);
			if (ret)
				return ret;
		}
	}
	if (ld.base + r.off != src->total)
		return ct_state_err(err, errlen, "%zu stray bytes after %u entries",
				    src->total - ld.base - r.off, count);
	return 0;
}

int nf_conntrack_state_load(struct net *net, const unsigned char *buf, size_t len, char *err,
			    size_t errlen)
{
	struct nf_ct_state_src src = { .buf = buf, .len = len, .total = len, .eof = true };

	return nf_conntrack_state_load_src(net, &src, err, errlen);
}
