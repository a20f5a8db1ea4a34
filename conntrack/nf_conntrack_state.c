/* conntrack/nf_conntrack_state.c - EMU: the conntrack table in the state file.
 *
 * No kernel counterpart (ctnetlink dumps and conntrackd restores come closest): `nfemu
 * replay --state` writes the table back so that `nfemu conntrack -L` and the next replay see
 * it.  Saved: the capture clock, and each confirmed, live entry of the hash with its tuples,
 * status, mark, zone, the time it has left (jiffies, relative to the clock), the tracker's
 * state and the acct/tstamp extensions.  Unconfirmed and dying entries belong to packets in
 * flight and are not saved.  Payload (host byte order), inside emu/state.c's section:
 *   u32 version, u64 now_ns, u64 boot_ns, u32 count, count x record (see ct_put_record)
 * Loading checks every field a corrupt file could make dangerous and says which record.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "emu/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_state.h"

#define NF_CT_STATE_VERSION 1u
/* bits a saved entry may carry: no DYING, TEMPLATE, UNTRACKED/NAT_CLASH or offload */
#define NF_CT_STATE_STATUS_OK (IPS_EXPECTED | IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED | \
			       IPS_SRC_NAT | IPS_DST_NAT | IPS_SEQ_ADJUST | IPS_SRC_NAT_DONE | \
			       IPS_DST_NAT_DONE | IPS_FIXED_TIMEOUT | IPS_HELPER)
#define NF_CT_STATE_EXT_ACCT 0x01
#define NF_CT_STATE_EXT_TSTAMP 0x02

struct ct_wbuf {
	unsigned char *data;
	size_t len, cap;
	int err;
};

static void ct_put(struct ct_wbuf *b, const void *p, size_t n)
{
	if (b->err)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *d;

		while (cap < b->len + n)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d) {
			b->err = -ENOMEM;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

#define PUT(b, v) do { __typeof__(v) _v = (v); ct_put(b, &_v, sizeof(_v)); } while (0)

static void ct_put_tuple(struct ct_wbuf *b, const struct nf_conntrack_tuple *t)
{
	PUT(b, t->src.u3.ip);
	PUT(b, t->dst.u3.ip);
	PUT(b, t->src.u.all);
	PUT(b, t->dst.u.all);
	PUT(b, t->dst.protonum);
	PUT(b, t->src.l3num);
}

/* One entry: both tuples, status, timeout left, mark, zone, tracker state, extensions. */
static void ct_put_record(struct ct_wbuf *b, const struct nf_conn *ct)
{
	const struct nf_conn_acct *acct = nf_conn_acct_find(ct);
	const struct nf_conn_tstamp *tstamp = nf_conn_tstamp_find(ct);
	u32 now = nfct_time_stamp(nf_ct_net(ct));
	u8 ext = (acct ? NF_CT_STATE_EXT_ACCT : 0) | (tstamp ? NF_CT_STATE_EXT_TSTAMP : 0);

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
}

int nf_conntrack_state_save(struct net *net, unsigned char **bufp, size_t *lenp)
{
	struct ct_wbuf b = { 0 };
	size_t count_at;
	u32 count = 0;

	*bufp = NULL;
	*lenp = 0;
	if (!net->ct.ready)
		return 0;
	PUT(&b, (u32)NF_CT_STATE_VERSION);
	PUT(&b, net->clock.now_ns);
	PUT(&b, net->clock.boot_ns);
	count_at = b.len;
	PUT(&b, count);
	for (unsigned int i = 0; i < net->ct.htable_size; i++) {
		struct nf_conntrack_tuple_hash *h;

		hlist_for_each_entry(h, &net->ct.hash[i], hnnode) {
			const struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

			/* each entry once, live ones only (an expired one is as good as gone) */
			if (NF_CT_DIRECTION(h) != IP_CT_DIR_ORIGINAL || nf_ct_is_dying(ct) ||
			    nf_ct_is_expired(ct))
				continue;
			ct_put_record(&b, ct);
			count++;
		}
	}
	if (b.err) {
		free(b.data);
		return b.err;
	}
	memcpy(b.data + count_at, &count, sizeof(count));
	*bufp = b.data;
	*lenp = b.len;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */

struct ct_rbuf {
	const unsigned char *p;
	size_t len, off;
	bool short_read;
};

static void ct_get(struct ct_rbuf *r, void *dst, size_t n)
{
	if (r->short_read || r->len - r->off < n) {
		r->short_read = true;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, r->p + r->off, n);
	r->off += n;
}

#define GET(r, v) ct_get(r, &(v), sizeof(v))

static void ct_get_tuple(struct ct_rbuf *r, struct nf_conntrack_tuple *t, u8 dir)
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

/* Read one record into a fresh entry and insert it; 0 or -errno with err set. */
static int ct_load_record(struct net *net, struct ct_rbuf *r, u32 i, char *err, size_t errlen)
{
	struct nf_conntrack_tuple orig, repl, inv;
	struct nf_conntrack_zone zone;
	size_t at = r->off;
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
	if (r->short_read)
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
	if (r->short_read) {
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
	if (ext & ~(NF_CT_STATE_EXT_ACCT | NF_CT_STATE_EXT_TSTAMP)) {
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
	if (r->short_read) {
		ct_state_err(err, errlen, "entry %u at +%zu: truncated", i + 1, at);
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
	nf_ct_put(ct);
	return 0;
fail:
	ct->status &= ~(unsigned long)IPS_CONFIRMED;
	nf_conntrack_free(ct);
	return ret;
}

int nf_conntrack_state_load(struct net *net, const unsigned char *buf, size_t len, char *err,
			    size_t errlen)
{
	struct ct_rbuf r = { .p = buf, .len = len };
	u64 now_ns, boot_ns;
	u32 version, count;

	GET(&r, version);
	if (r.short_read)
		return ct_state_err(err, errlen, "truncated header");
	if (version != NF_CT_STATE_VERSION)
		return ct_state_err(err, errlen, "format version %u, this nfemu reads version %u",
				    version, NF_CT_STATE_VERSION);
	GET(&r, now_ns);
	GET(&r, boot_ns);
	GET(&r, count);
	if (r.short_read)
		return ct_state_err(err, errlen, "truncated header");
	if (boot_ns > now_ns)
		return ct_state_err(err, errlen, "clock: boot time after the current time");
	if (!net->ct.ready)
		return ct_state_err(err, errlen, "entries saved but nf_conntrack is not loaded");
	if (net->ct.count)
		return ct_state_err(err, errlen, "the table is not empty");
	net->clock.now_ns = now_ns;
	net->clock.boot_ns = boot_ns;
	for (u32 i = 0; i < count; i++) {
		int ret = ct_load_record(net, &r, i, err, errlen);

		if (ret)
			return ret;
	}
	if (r.off != len)
		return ct_state_err(err, errlen, "%zu stray bytes after %u entries", len - r.off, count);
	return 0;
}
