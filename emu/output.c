/* emu/output.c - EMU: fate lines, JSON Lines, egress pcaps, progress and summary (replay).
 * No kernel counterpart: the reader's end of the observer seam (emu/observe.h) and of the
 * kernel log (net->nf.log.sink).  Kernel lines are written as printed, when printed; fate
 * lines follow each capture packet.  Memory is bounded by one packet's children and the
 * distinct rules, interfaces and reasons of the summary, not by the capture's size.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include "emu/capture.h"
#include "emu/net.h"
#include "emu/output.h"
#include "conntrack/nf_conntrack_tuple.h"
#include "nat/nf_nat.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

/* A generated packet's number is "N.k"; more than this many per capture packet share the last. */
#define OUT_MAX_CHILDREN 64
#define OUT_MAX_EGRESS 4

/* ---------------------------------------------------------------- tallies */

/* A count per key (rule, interface, reason): few distinct keys, so a plain array. */
struct tally_ent {
	char *key;
	u64 n;
};

struct tally {
	struct tally_ent *v;
	size_t n, cap;
};

static void tally_add(struct tally *t, const char *key, u64 by)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].key, key)) {
			t->v[i].n += by;
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
	t->v[t->n].key = strdup(key);
	if (!t->v[t->n].key)
		return;
	t->v[t->n++].n = by;
}

static u64 tally_total(const struct tally *t)
{
	u64 sum = 0;

	for (size_t i = 0; i < t->n; i++)
		sum += t->v[i].n;
	return sum;
}

static void tally_free(struct tally *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].key);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* ---------------------------------------------------------------- packet facts */

struct pkt_facts {
	bool ipv4;                      /* a whole IPv4 header was there */
	char src[16], dst[16];
	u8 proto;
	int sport, dport;               /* -1: none (not TCP/UDP, a later fragment, truncated) */
	int icmp_type, icmp_code;       /* -1: none */
	int icmp_id;                    /* echo request/reply identifier, -1: none */
	u8 tcp_flags;
	bool tcp;
	unsigned int frag_off;          /* bytes */
	bool mf;
	unsigned int len;               /* bytes in hand (from the IP header on) */
	unsigned int tot_len;           /* the IP header's total length (0: no header) */
	char desc[160];
};

static const char *proto_name(u8 proto)
{
	switch (proto) {
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 33: return "DCCP";
	case 47: return "GRE";
	case 50: return "ESP";
	case 51: return "AH";
	case 132: return "SCTP";
	case 136: return "UDPLITE";
	default: return NULL;
	}
}

static const char *icmp_name(int type, int code, char *buf, size_t len)
{
	static const char *const unreach[] = {
		"net-unreachable", "host-unreachable", "protocol-unreachable", "port-unreachable",
		"fragmentation-needed", "source-route-failed", "network-unknown", "host-unknown",
		"host-isolated", "network-prohibited", "host-prohibited", "TOS-network-unreachable",
		"TOS-host-unreachable", "communication-prohibited", "host-precedence-violation",
		"precedence-cutoff",
	};

	switch (type) {
	case 0: return "echo-reply";
	case 3:
		if (code >= 0 && code < (int)ARRAY_SIZE(unreach))
			snprintf(buf, len, "dest-unreachable %s", unreach[code]);
		else
			snprintf(buf, len, "dest-unreachable code %d", code);
		return buf;
	case 4: return "source-quench";
	case 5:
		snprintf(buf, len, "redirect code %d", code);
		return buf;
	case 8: return "echo-request";
	case 11:
		return code == 0 ? "time-exceeded ttl-zero-during-transit" :
		       code == 1 ? "time-exceeded ttl-zero-during-reassembly" : "time-exceeded";
	case 12: return "parameter-problem";
	case 13: return "timestamp-request";
	case 14: return "timestamp-reply";
	default:
		snprintf(buf, len, "type %d code %d", type, code);
		return buf;
	}
}

static void tcp_flags_str(u8 flags, char *buf, size_t len)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < 8; i++)
		if (flags & (1U << i))
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? "," : "", names[i]);
	if (!off)
		snprintf(buf, len, "no-flags");
}

static u16 rd16(const unsigned char *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static void facts_parse(const unsigned char *p, unsigned int len, struct pkt_facts *f)
{
	unsigned int ihl, tot, off;
	const unsigned char *th;
	char icmpbuf[64], flags[48], fragbuf[48] = "";
	const char *pname;
	int n;

	memset(f, 0, sizeof(*f));
	f->sport = f->dport = f->icmp_type = f->icmp_code = f->icmp_id = -1;
	f->len = len;
	if (len < 20) {
		snprintf(f->desc, sizeof(f->desc), "IPv4 truncated header (%u bytes)", len);
		return;
	}
	f->ipv4 = true;
	snprintf(f->src, sizeof(f->src), "%u.%u.%u.%u", p[12], p[13], p[14], p[15]);
	snprintf(f->dst, sizeof(f->dst), "%u.%u.%u.%u", p[16], p[17], p[18], p[19]);
	f->proto = p[9];
	ihl = (p[0] & 0x0f) * 4U;
	tot = rd16(p + 2);
	f->tot_len = tot;
	f->frag_off = (rd16(p + 6) & 0x1fff) * 8U;
	f->mf = rd16(p + 6) & 0x2000;
	if (p[0] >> 4 != 4 || ihl < 20) {
		snprintf(f->desc, sizeof(f->desc), "%s > %s IPv4 bad header (version %u, ihl %u) len %u",
			 f->src, f->dst, p[0] >> 4, p[0] & 0x0f, len);
		return;
	}
	if (f->frag_off || f->mf)
		snprintf(fragbuf, sizeof(fragbuf), " frag off %u%s", f->frag_off, f->mf ? " MF" : "");
	/* The transport header: only within what the IP header says is the packet. */
	off = ihl;
	if (tot < len)
		len = tot;
	th = p + off;
	if (f->frag_off == 0 && (f->proto == 6 || f->proto == 17 || f->proto == 132 || f->proto == 33 ||
				 f->proto == 136) && len >= off + 4) {
		f->sport = rd16(th);
		f->dport = rd16(th + 2);
	}
	if (f->frag_off == 0 && f->proto == 6 && len >= off + 14) {
		f->tcp = true;
		f->tcp_flags = th[13];
	}
	if (f->frag_off == 0 && f->proto == 1 && len >= off + 2) {
		f->icmp_type = th[0];
		f->icmp_code = th[1];
	}
	pname = proto_name(f->proto);
	if (f->sport >= 0)
		n = snprintf(f->desc, sizeof(f->desc), "%s:%d > %s:%d ", f->src, f->sport, f->dst, f->dport);
	else
		n = snprintf(f->desc, sizeof(f->desc), "%s > %s ", f->src, f->dst);
	if (n < 0 || (size_t)n >= sizeof(f->desc))
		return;
	if (pname)
		n += snprintf(f->desc + n, sizeof(f->desc) - n, "%s", pname);
	else
		n += snprintf(f->desc + n, sizeof(f->desc) - n, "proto %u", f->proto);
	if ((size_t)n >= sizeof(f->desc))
		return;
	if (f->tcp) {
		tcp_flags_str(f->tcp_flags, flags, sizeof(flags));
		n += snprintf(f->desc + n, sizeof(f->desc) - n, " %s", flags);
	} else if (f->icmp_type >= 0) {
		n += snprintf(f->desc + n, sizeof(f->desc) - n, " %s",
			      icmp_name(f->icmp_type, f->icmp_code, icmpbuf, sizeof(icmpbuf)));
		if ((f->icmp_type == 0 || f->icmp_type == 8) && len >= off + 8 && (size_t)n < sizeof(f->desc)) {
			f->icmp_id = rd16(th + 4);
			n += snprintf(f->desc + n, sizeof(f->desc) - n, " id %u seq %u", rd16(th + 4),
				      rd16(th + 6));
		}
	}
	if ((size_t)n < sizeof(f->desc))
		snprintf(f->desc + n, sizeof(f->desc) - n, "%s len %u", fragbuf, tot);
}

/* The IPv4 bytes of an skb (from its network header, else its data, to its tail). */
static void skb_l3(const struct sk_buff *skb, const unsigned char **p, unsigned int *len)
{
	const unsigned char *start = skb->data, *tail = skb_tail_pointer(skb);

	if (skb->network_header != SKB_HDR_UNSET && skb->head + skb->network_header <= tail)
		start = skb->head + skb->network_header;
	*p = start;
	*len = (unsigned int)(tail - start);
}

/* ---------------------------------------------------------------- state */

/* What happened to one packet: a captured one (child 0) or one the host generated. */
struct fate {
	char id[32];                    /* "3", "3.1" */
	const struct sk_buff *skb;      /* a generated packet's skb while it lives */
	bool generated;
	char by[64];                    /* generated: what built it */
	char ingress[IFNAMSIZ];         /* "" = sent by the host */
	enum nfemu_ingress_by ingress_by;
	u64 ts_ns;
	unsigned int wire_len;
	struct pkt_facts facts;
	bool reached_prerouting;
	/* outcomes (a packet can have several: fragments, a bypassed queue, ...) */
	unsigned int nxmit, negress;
	char egress[OUT_MAX_EGRESS][IFNAMSIZ];
	unsigned int egress_n[OUT_MAX_EGRESS];
	unsigned int ndeliver;
	char deliver_where[64];
	unsigned int ndrop;
	enum skb_drop_reason reason;
	char drop_where[64];
	unsigned int nstolen;
	char stolen_where[64];
	unsigned int nqueued;
	char notes[256];
	/* the headers as the packet left (or was delivered), when NAT changed them */
	bool xlat_seen, xlat;
	struct pkt_facts out;
	/* waiting in the stack at its packet's end (NFEMU_EV_PENDING): for what */
	bool pending;
	char pending_for[96];
	bool late;                      /* a fate reported again, when its timer fired */
};

/* A fate left open at its packet's end: the skb waits in the stack and its outcome comes
 * when a timer fires, during a later packet.  Looked up by skb (alive while it waits). */
struct pending_fate {
	const struct sk_buff *skb;
	u64 n;                          /* the capture packet it belongs to */
	unsigned int nkids;             /* children numbered so far for packet n */
	struct fate f;
};

struct egress_file {
	struct egress_file *next;
	struct net_device *dev;
	struct nfemu_pcap_writer *w;
};

struct nfemu_output {
	struct net *net;
	struct nfemu_output_opts opts;
	char *egress_dir;
	struct egress_file *egress;     /* one per interface frames left by */
	struct nfemu_pcap_writer *dropped;
	int write_error;                /* -errno of the first failed pcap write */
	char write_error_msg[256];

	/* the capture packet being processed */
	bool in_packet;
	u64 n;
	u64 first_ts, last_ts;
	bool have_first_ts;
	struct fate parent;
	struct fate *children;          /* OUT_MAX_CHILDREN */
	unsigned int nchildren;
	unsigned int next_kid;          /* the k of the next "N.k" */
	unsigned long printk_seq;

	/* Fates still waiting in the stack, and the late group: while a timer finishes earlier
	 * packets' fates, n/parent/children above describe that packet and the current one's
	 * are kept here. */
	struct pending_fate *pend;
	size_t npend, pend_cap;
	struct waiting { const struct sk_buff *skb; int idx; } *wait;   /* this group's: -1 = parent */
	size_t nwait, wait_cap;
	struct waiting *saved_wait;
	size_t saved_nwait, saved_wait_cap;
	bool late;
	bool late_parent;               /* the late group's parent is a resumed fate */
	u64 saved_n;
	struct fate saved_parent;
	struct fate *saved_children, *late_children;
	unsigned int saved_nchildren, saved_next_kid;

	/* summary */
	u64 records, replayed, local_in, generated;
	struct tally forwarded, sent, gen_fates, dropped_rule, dropped_stack, ip_rcv_fail, skipped;
	u64 delivered, stolen, queued, nofate;

	/* progress */
	struct timespec start, last_draw;
	bool drawn;
};

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) + (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

/* ---------------------------------------------------------------- JSON */

/* The length of the valid UTF-8 sequence at p (2-4), or 0. */
static unsigned int utf8_len(const unsigned char *p)
{
	unsigned int need = p[0] >= 0xf0 && p[0] < 0xf5 ? 3 : p[0] >= 0xe0 && p[0] < 0xf0 ? 2 :
			    p[0] >= 0xc2 && p[0] < 0xe0 ? 1 : 0;

	for (unsigned int i = 1; i <= need; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return need ? need + 1 : 0;
}

/* s as a JSON string: runs that need no escape are written in one go (this is the hot path of
 * --jsonl: every kernel log line goes through it). */
static void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	fputc('"', f);
	for (;;) {
		unsigned char c = *p;
		unsigned int u;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			p++;
			continue;
		}
		if (c >= 0x80 && (u = utf8_len(p))) {
			p += u;
			continue;
		}
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), f);
		if (!c)
			break;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else
			fprintf(f, "\\u%04x", c);
		run = ++p;
	}
	fputc('"', f);
}

static void json_time(FILE *f, u64 ts_ns)
{
	time_t sec = (time_t)(ts_ns / 1000000000ULL);
	struct tm tm;
	char buf[32];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "\"time\":\"%s.%09lluZ\",\"ts_ns\":%llu", buf,
		(unsigned long long)(ts_ns % 1000000000ULL), (unsigned long long)ts_ns);
}

static const char *ingress_by_name(enum nfemu_ingress_by by)
{
	switch (by) {
	case NFEMU_INGRESS_OPTION: return "option";
	case NFEMU_INGRESS_PCAPNG: return "pcapng";
	case NFEMU_INGRESS_ROUTE: return "route";
	case NFEMU_INGRESS_LOCAL: return "local";
	}
	return "?";
}

/* ---------------------------------------------------------------- pcaps */

static void out_write_error(struct nfemu_output *o, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void out_write_error(struct nfemu_output *o, int err, const char *fmt, ...)
{
	va_list ap;

	if (o->write_error)
		return;
	o->write_error = err;
	va_start(ap, fmt);
	vsnprintf(o->write_error_msg, sizeof(o->write_error_msg), fmt, ap);
	va_end(ap);
}

static struct egress_file *egress_file(struct nfemu_output *o, struct net_device *dev)
{
	struct egress_file *ef;
	char path[4096], err[512];

	for (ef = o->egress; ef; ef = ef->next)
		if (ef->dev == dev)
			return ef;
	ef = calloc(1, sizeof(*ef));
	if (!ef)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s.pcap", o->egress_dir, dev->name);
	if (nfemu_pcap_writer_open(&ef->w, path, err, sizeof(err))) {
		out_write_error(o, -EIO, "%s", err);
		free(ef);
		return NULL;
	}
	ef->dev = dev;
	ef->next = o->egress;
	o->egress = ef;
	return ef;
}

static void egress_write(struct nfemu_output *o, struct net_device *dev, const unsigned char *frame,
			 unsigned int len)
{
	struct egress_file *ef;

	if (!o->egress_dir || !dev || !frame)
		return;
	ef = egress_file(o, dev);
	if (ef && nfemu_pcap_writer_write(ef->w, o->net->clock.now_ns, frame, len))
		out_write_error(o, -EIO, "%s/%s.pcap: write error", o->egress_dir, dev->name);
}

/* A dropped packet as it was when dropped: its own Ethernet header when it still has one in
 * front of the IP header, else one made up (destination: the device, source: zero). */
static void dropped_write(struct nfemu_output *o, const struct sk_buff *skb)
{
	const unsigned char *l3, *tail = skb_tail_pointer(skb);
	unsigned char *frame;
	unsigned int l3len;

	if (!o->dropped)
		return;
	if (skb->mac_header != SKB_HDR_UNSET && skb->network_header != SKB_HDR_UNSET &&
	    skb->network_header >= ETH_HLEN && skb->mac_header == skb->network_header - ETH_HLEN &&
	    skb->head + skb->network_header <= tail) {
		const unsigned char *mac = skb_mac_header(skb);

		if (nfemu_pcap_writer_write(o->dropped, o->net->clock.now_ns, mac, (unsigned int)(tail - mac)))
			out_write_error(o, -EIO, "%s/dropped.pcap: write error", o->egress_dir);
		return;
	}
	skb_l3(skb, &l3, &l3len);
	frame = malloc(ETH_HLEN + l3len);
	if (!frame)
		return;
	memset(frame, 0, ETH_HLEN);
	if (skb->dev && skb->dev->addr_len == ETH_ALEN)
		memcpy(frame, skb->dev->dev_addr, ETH_ALEN);
	frame[12] = ETH_P_IP >> 8;
	frame[13] = ETH_P_IP & 0xff;
	memcpy(frame + ETH_HLEN, l3, l3len);
	if (nfemu_pcap_writer_write(o->dropped, o->net->clock.now_ns, frame, ETH_HLEN + l3len))
		out_write_error(o, -EIO, "%s/dropped.pcap: write error", o->egress_dir);
	free(frame);
}

/* ---------------------------------------------------------------- events */

static void group_end(struct nfemu_output *o);

static struct pending_fate *pending_find(struct nfemu_output *o, const struct sk_buff *skb)
{
	/* cost: linear in the fates waiting (bounded by the neighbours' queue limits) */
	for (size_t i = 0; i < o->npend; i++)
		if (o->pend[i].skb == skb)
			return &o->pend[i];
	return NULL;
}

static void pending_add(struct nfemu_output *o, const struct fate *f, const struct sk_buff *skb)
{
	struct pending_fate *p;

	if (!skb)
		return;
	if (o->npend == o->pend_cap) {
		size_t cap = o->pend_cap ? o->pend_cap * 2 : 16;
		struct pending_fate *v = realloc(o->pend, cap * sizeof(*v));

		if (!v)
			return;         /* its late fate will be reported under the packet then */
		o->pend = v;
		o->pend_cap = cap;
	}
	p = &o->pend[o->npend++];
	p->skb = skb;
	p->n = o->n;
	p->nkids = o->next_kid;
	p->f = *f;
}

/* The late group ends: print it as a packet's end prints its fates, and go back to the
 * packet being processed. */
static void late_end(struct nfemu_output *o)
{
	if (!o->late)
		return;
	group_end(o);
	o->late = false;
	free(o->wait);
	o->n = o->saved_n;
	o->parent = o->saved_parent;
	o->children = o->saved_children;
	o->nchildren = o->saved_nchildren;
	o->next_kid = o->saved_next_kid;
	o->wait = o->saved_wait;
	o->nwait = o->saved_nwait;
	o->wait_cap = o->saved_wait_cap;
}

/* A timer finishes the fate p left open: report it under its own packet. */
static struct fate *late_resume(struct nfemu_output *o, struct pending_fate *p)
{
	struct pending_fate pf = *p;
	struct fate *f;

	*p = o->pend[--o->npend];
	if (o->late && o->n != pf.n)
		late_end(o);
	if (!o->late) {
		o->late = true;
		o->saved_n = o->n;
		o->saved_parent = o->parent;
		o->saved_children = o->children;
		o->saved_nchildren = o->nchildren;
		o->saved_next_kid = o->next_kid;
		o->saved_wait = o->wait;
		o->saved_nwait = o->nwait;
		o->saved_wait_cap = o->wait_cap;
		o->wait = NULL;
		o->nwait = o->wait_cap = 0;
		o->n = pf.n;
		o->children = o->late_children;
		o->nchildren = 0;
		o->next_kid = pf.nkids;
		o->late_parent = false;
		memset(&o->parent, 0, sizeof(o->parent));
	}
	if (pf.nkids > o->next_kid)
		o->next_kid = pf.nkids;
	if (!pf.f.generated) {
		f = &o->parent;
		if (o->late_parent)
			return f;       /* another piece of it (a fragment) */
		o->late_parent = true;
	} else {
		for (unsigned int i = 0; i < o->nchildren; i++)
			if (!strcmp(o->children[i].id, pf.f.id)) {
				o->children[i].skb = pf.skb;
				return &o->children[i];
			}
		if (o->nchildren < OUT_MAX_CHILDREN)
			f = &o->children[o->nchildren++];
		else
			f = &o->children[o->nchildren - 1];
	}
	*f = pf.f;
	f->skb = pf.f.generated ? pf.skb : NULL;
	f->pending = false;
	f->pending_for[0] = '\0';
	f->late = true;
	f->ts_ns = o->net->clock.now_ns;
	return f;
}

/* The skbs of this group's fates that wait in the stack. */
static void waiting_add(struct nfemu_output *o, const struct fate *f, const struct sk_buff *skb)
{
	if (!skb)
		return;
	if (o->nwait == o->wait_cap) {
		size_t cap = o->wait_cap ? o->wait_cap * 2 : 16;
		struct waiting *v = realloc(o->wait, cap * sizeof(*v));

		if (!v)
			return;
		o->wait = v;
		o->wait_cap = cap;
	}
	o->wait[o->nwait].skb = skb;
	o->wait[o->nwait++].idx = f == &o->parent ? -1 : (int)(f - o->children);
}

static void waiting_del(struct nfemu_output *o, struct fate *f, const struct sk_buff *skb)
{
	bool more = false;

	for (size_t i = 0; i < o->nwait; i++) {
		if (o->wait[i].skb == skb && skb) {
			o->wait[i--] = o->wait[--o->nwait];
			continue;
		}
		if (o->wait[i].idx == (f == &o->parent ? -1 : (int)(f - o->children)))
			more = true;
	}
	f->pending = more;      /* other pieces of it (fragments) may still wait */
}

static struct fate *fate_of(struct nfemu_output *o, const struct sk_buff *skb)
{
	struct pending_fate *p;

	if (skb && o->npend && (p = pending_find(o, skb)))
		return late_resume(o, p);
	if (o->late) {
		for (unsigned int i = 0; i < o->nchildren; i++)
			if (o->children[i].skb == skb)
				return &o->children[i];
		if (skb && skb->emu_id == o->n && o->late_parent)
			return &o->parent;
		/* a generated packet of the group coming back in (looped through lo) */
		if (o->nchildren && skb && !skb->emu_id && skb->emu_parent == o->n)
			return &o->children[o->nchildren - 1];
		late_end(o);    /* an event of the packet being processed */
	}
	for (unsigned int i = 0; i < o->nchildren; i++)
		if (o->children[i].skb == skb)
			return &o->children[i];
	if (skb && skb->emu_id == o->n)
		return &o->parent;
	/* a copy of a generated packet (a fragment): its most recent sibling */
	if (o->nchildren && skb && !skb->emu_id)
		return &o->children[o->nchildren - 1];
	return &o->parent;
}

static void fate_note(struct fate *f, const char *text)
{
	size_t n = strlen(f->notes);

	if (!text || n + 3 >= sizeof(f->notes))
		return;
	snprintf(f->notes + n, sizeof(f->notes) - n, "%s%s", n ? "; " : "", text);
}

static void fate_add_egress(struct fate *f, const char *name)
{
	unsigned int i;

	f->nxmit++;
	for (i = 0; i < f->negress; i++)
		if (!strcmp(f->egress[i], name)) {
			f->egress_n[i]++;
			return;
		}
	if (f->negress == OUT_MAX_EGRESS)
		return;
	snprintf(f->egress[i], IFNAMSIZ, "%s", name);
	f->egress_n[i] = 1;
	f->negress++;
}

/* The first time a packet leaves or is delivered, note whether NAT rewrote its addresses,
 * ports or ICMP id (the fate line then says "as ..."). */
static void fate_xlat(struct fate *f, const struct sk_buff *skb)
{
	const unsigned char *l3;
	unsigned int l3len;

	if (f->xlat_seen || !skb)
		return;
	f->xlat_seen = true;
	skb_l3(skb, &l3, &l3len);
	facts_parse(l3, l3len, &f->out);
	if (!f->out.ipv4 || !f->facts.ipv4)
		return;
	f->xlat = strcmp(f->out.src, f->facts.src) || strcmp(f->out.dst, f->facts.dst) ||
		  f->out.sport != f->facts.sport || f->out.dport != f->facts.dport ||
		  f->out.icmp_id != f->facts.icmp_id;
}

/* "198.51.100.1:40000 > 203.0.113.5:80", "198.51.100.1 > 203.0.113.5 id 7" */
static void facts_endpoints(const struct pkt_facts *t, char *buf, size_t len)
{
	if (t->sport >= 0)
		snprintf(buf, len, "%s:%d > %s:%d", t->src, t->sport, t->dst, t->dport);
	else if (t->icmp_id >= 0)
		snprintf(buf, len, "%s > %s id %d", t->src, t->dst, t->icmp_id);
	else
		snprintf(buf, len, "%s > %s", t->src, t->dst);
}

static void fate_generated(struct nfemu_output *o, const struct nfemu_event *ev)
{
	struct fate *c;
	const unsigned char *l3;
	unsigned int l3len;

	if (o->nchildren == OUT_MAX_CHILDREN) {
		c = &o->children[o->nchildren - 1];
		c->skb = ev->skb;
		fate_note(c, "more generated packets folded into this one");
		return;
	}
	/* built for a packet that waits (a neighbour's failure reports each queued packet: its
	 * ICMP error comes before its drop): report it under that packet */
	for (size_t i = 0; i < o->npend; i++)
		if (o->pend[i].n == ev->skb->emu_parent && !o->pend[i].f.generated &&
		    !(o->late && o->n == ev->skb->emu_parent)) {
			late_resume(o, &o->pend[i]);
			break;
		}
	if (o->late && ev->skb->emu_parent != o->n)
		late_end(o);
	c = &o->children[o->nchildren++];
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%llu.%u", (unsigned long long)o->n, ++o->next_kid);
	c->skb = ev->skb;
	c->generated = true;
	c->ts_ns = o->net->clock.now_ns;
	if (ev->text)
		snprintf(c->by, sizeof(c->by), "%s", ev->text);
	else if (ev->where)
		snprintf(c->by, sizeof(c->by), "%s", ev->where);
	skb_l3(ev->skb, &l3, &l3len);
	facts_parse(l3, l3len, &c->facts);
	c->wire_len = l3len;
	o->generated++;
}

/* A conntrack event (NFEMU_EV_CT): written when it happens, as kernel log lines are, so the
 * trace shows it between the TRACE lines of the hooks around it; in the trace only with
 * --explain.  Outside a packet (a state loaded, a gc at the end) it has no packet number. */
static void out_ct_event(struct nfemu_output *o, const struct nfemu_event *ev)
{
	const struct fate *f = NULL;

	if (o->in_packet)
		f = fate_of(o, ev->skb);
	if (o->opts.trace && o->opts.explain)
		fprintf(o->opts.trace, "#   ct: %s%s%s\n", ev->where ? ev->where : "",
			ev->where ? ": " : "", ev->text ? ev->text : "");
	if (o->opts.jsonl) {
		FILE *j = o->opts.jsonl;

		fputs("{\"event\":\"ct\"", j);
		if (f)
			fprintf(j, ",\"packet\":%llu,\"id\":\"%s\"", (unsigned long long)o->n, f->id);
		fputs(",\"ct\":", j);
		json_str(j, ev->where ? ev->where : "");
		fputs(",\"what\":", j);
		json_str(j, ev->text ? ev->text : "");
		fputs("}\n", j);
	}
}

/* ---------------------------------------------------------------- NAT decisions */

static const char *const hook_names[NF_INET_NUMHOOKS] = {
	[NF_INET_PRE_ROUTING] = "PREROUTING",
	[NF_INET_LOCAL_IN] = "INPUT",
	[NF_INET_FORWARD] = "FORWARD",
	[NF_INET_LOCAL_OUT] = "OUTPUT",
	[NF_INET_POST_ROUTING] = "POSTROUTING",
};

static const char *nat_how_name(enum nfemu_nat_how how)
{
	switch (how) {
	case NFEMU_NAT_KEPT: return "kept";
	case NFEMU_NAT_BYSOURCE: return "bysource";
	case NFEMU_NAT_RANGE: return "range";
	case NFEMU_NAT_SEARCH: return "search";
	case NFEMU_NAT_EXHAUSTED: return "exhausted";
	}
	return "?";
}

/* "tcp 192.0.2.10:40000 > 203.0.113.5:80" (a tuple as the packet carries it) */
static void tuple_str(const struct nf_conntrack_tuple *t, char *buf, size_t len)
{
	const u8 *s = (const u8 *)&t->src.u3.ip, *d = (const u8 *)&t->dst.u3.ip;
	const char *p = proto_name(t->dst.protonum);
	char pn[16];

	if (!p) {
		snprintf(pn, sizeof(pn), "proto %u", t->dst.protonum);
		p = pn;
	}
	switch (t->dst.protonum) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
		snprintf(buf, len, "%s %u.%u.%u.%u:%u > %u.%u.%u.%u:%u", p, s[0], s[1], s[2], s[3],
			 ntohs(t->src.u.all), d[0], d[1], d[2], d[3], ntohs(t->dst.u.all));
		break;
	case IPPROTO_ICMP:
		snprintf(buf, len, "%s %u.%u.%u.%u > %u.%u.%u.%u id %u", p, s[0], s[1], s[2], s[3],
			 d[0], d[1], d[2], d[3], ntohs(t->src.u.icmp.id));
		break;
	default:
		snprintf(buf, len, "%s %u.%u.%u.%u > %u.%u.%u.%u", p, s[0], s[1], s[2], s[3],
			 d[0], d[1], d[2], d[3]);
	}
}

/* The manipulated half of a tuple: "198.51.100.1:40000" */
static void tuple_half(const struct nf_conntrack_tuple *t, bool src, char *buf, size_t len)
{
	const u8 *a = (const u8 *)(src ? &t->src.u3.ip : &t->dst.u3.ip);
	bool ports = t->dst.protonum == IPPROTO_TCP || t->dst.protonum == IPPROTO_UDP ||
		     t->dst.protonum == IPPROTO_UDPLITE || t->dst.protonum == IPPROTO_SCTP;

	if (ports)
		snprintf(buf, len, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3],
			 ntohs(src ? t->src.u.all : t->dst.u.all));
	else if (t->dst.protonum == IPPROTO_ICMP && src)
		snprintf(buf, len, "%u.%u.%u.%u id %u", a[0], a[1], a[2], a[3], ntohs(t->src.u.icmp.id));
	else
		snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* The range a rule gave, as iptables-save words it: "198.51.100.1-198.51.100.3:10000-10010" */
static void range_str(const struct nf_nat_range2 *r, char *buf, size_t len)
{
	const u8 *lo = (const u8 *)&r->min_addr.ip, *hi = (const u8 *)&r->max_addr.ip;
	size_t n = 0;

	buf[0] = '\0';
	if (r->flags & NF_NAT_RANGE_MAP_IPS) {
		n += (size_t)snprintf(buf + n, len - n, "%u.%u.%u.%u", lo[0], lo[1], lo[2], lo[3]);
		if (r->min_addr.ip != r->max_addr.ip && n < len)
			n += (size_t)snprintf(buf + n, len - n, "-%u.%u.%u.%u", hi[0], hi[1], hi[2], hi[3]);
	}
	if ((r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) && n < len) {
		n += (size_t)snprintf(buf + n, len - n, ":%u", ntohs(r->min_proto.all));
		if (r->min_proto.all != r->max_proto.all && n < len)
			n += (size_t)snprintf(buf + n, len - n, "-%u", ntohs(r->max_proto.all));
	}
	if ((r->flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY) && n < len)
		n += (size_t)snprintf(buf + n, len - n, " random-fully");
	else if ((r->flags & NF_NAT_RANGE_PROTO_RANDOM) && n < len)
		n += (size_t)snprintf(buf + n, len - n, " random");
	if ((r->flags & NF_NAT_RANGE_PERSISTENT) && n < len)
		snprintf(buf + n, len - n, " persistent");
}

static void nat_why_str(const struct nfemu_nat_event *ne, char *buf, size_t len)
{
	const struct nf_nat_range2 *r = ne->range;
	bool icmp = ne->from->dst.protonum == IPPROTO_ICMP;
	const char *key = icmp ? "ICMP id" : "port";
	const char *was = ne->clash ? "in use by another connection" : "not in the range";

	switch (ne->how) {
	case NFEMU_NAT_KEPT:
		snprintf(buf, len, "%s as it was (in the range, not in use)", icmp ? "id" : "port");
		break;
	case NFEMU_NAT_BYSOURCE:
		snprintf(buf, len, "bysource: the mapping this source already has for another connection");
		break;
	case NFEMU_NAT_RANGE:
		if (ne->null_binding)
			snprintf(buf, len, "unchanged");
		else if (!(r->flags & NF_NAT_RANGE_MAP_IPS) || r->min_addr.ip == r->max_addr.ip)
			snprintf(buf, len, "%s kept", key);
		else
			snprintf(buf, len, "address picked from the range by jhash of the addresses, %s kept",
				 key);
		break;
	case NFEMU_NAT_SEARCH:
		if (r->flags & NF_NAT_RANGE_PROTO_RANDOM_ALL)
			snprintf(buf, len, "%s drawn at random (--random%s): %u tried", key,
				 r->flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY ? "-fully" : "", ne->tried);
		else if (!ne->tried)
			snprintf(buf, len, "%s %s, kept: a destination binding without a port range "
				 "cannot change it", key, was);
		else if (ne->manip == NF_NAT_MANIP_DST)
			snprintf(buf, len, "%s %s: the first free one from the start of the range "
				 "(%u tried)", key, was, ne->tried);
		else
			snprintf(buf, len, "%s %s: a free one from a random point of the range (%u tried)",
				 key, was, ne->tried);
		break;
	case NFEMU_NAT_EXHAUSTED:
		snprintf(buf, len, "no free %s in the range after %u tries: confirm will drop the packet",
			 key, ne->tried);
		break;
	}
}

/* A NAT binding (NFEMU_EV_NAT): with --explain, "#   nat: ..."; in JSON Lines, an object. */
static void out_nat_event(struct nfemu_output *o, const struct nfemu_event *ev)
{
	const struct nfemu_nat_event *ne = ev->nat;
	const struct fate *f = NULL;
	bool src = ne->manip == NF_NAT_MANIP_SRC;
	const char *kind = ne->null_binding ? (src ? "null SNAT binding" : "null DNAT binding") :
			   src ? "SNAT" : "DNAT";
	const char *hook = ne->hook < NF_INET_NUMHOOKS && hook_names[ne->hook] ? hook_names[ne->hook] : "?";
	char from[96], to[48], why[160], range[96];

	if (!o->opts.jsonl && !(o->opts.trace && o->opts.explain))
		return;
	if (o->in_packet)
		f = fate_of(o, ev->skb);
	tuple_str(ne->from, from, sizeof(from));
	tuple_half(ne->to, src, to, sizeof(to));
	nat_why_str(ne, why, sizeof(why));
	range_str(ne->range, range, sizeof(range));
	if (o->opts.trace && o->opts.explain)
		fprintf(o->opts.trace, "#   nat: %s %s %s -> %s%s%s%s: %s\n", hook, kind, from, to,
			range[0] && !ne->null_binding ? " (to " : "", ne->null_binding ? "" : range,
			range[0] && !ne->null_binding ? ")" : "", why);
	if (o->opts.jsonl) {
		FILE *j = o->opts.jsonl;
		char tofull[96];

		tuple_str(ne->to, tofull, sizeof(tofull));
		fputs("{\"event\":\"nat\"", j);
		if (f)
			fprintf(j, ",\"packet\":%llu,\"id\":\"%s\"", (unsigned long long)o->n, f->id);
		fprintf(j, ",\"hook\":\"%s\",\"type\":\"%s\",\"null_binding\":%s,\"how\":\"%s\"", hook,
			src ? "SNAT" : "DNAT", ne->null_binding ? "true" : "false", nat_how_name(ne->how));
		fputs(",\"from\":", j);
		json_str(j, from);
		fputs(",\"to\":", j);
		json_str(j, tofull);
		fputs(",\"range\":", j);
		json_str(j, range);
		fprintf(j, ",\"bysource_hit\":%s,\"tried\":%u}\n", ne->bysource_hit ? "true" : "false",
			ne->tried);
	}
}

static void out_event(void *ctx, const struct nfemu_event *ev)
{
	struct nfemu_output *o = ctx;
	struct fate *f;

	if (ev->type == NFEMU_EV_CT) {
		out_ct_event(o, ev);
		return;
	}
	if (ev->type == NFEMU_EV_NAT) {
		out_nat_event(o, ev);
		return;
	}
	if (!o->in_packet)
		return;         /* nothing runs outside a packet; ignore stray reports */
	if (ev->type == NFEMU_EV_TIMERS_DONE) {
		late_end(o);
		return;
	}
	if (ev->type == NFEMU_EV_GENERATED) {
		fate_generated(o, ev);
		return;
	}
	f = fate_of(o, ev->skb);
	/* A generated packet is described as it finally was: when the host reports building it,
	 * its headers may not be filled in yet (nf_send_reset fills them after). */
	if (f->generated && ev->skb && f->skb == ev->skb) {
		const unsigned char *l3;
		unsigned int l3len;

		skb_l3(ev->skb, &l3, &l3len);
		facts_parse(l3, l3len, &f->facts);
	}
	switch (ev->type) {
	case NFEMU_EV_DROP:
		f->ndrop++;
		f->reason = ev->reason;
		snprintf(f->drop_where, sizeof(f->drop_where), "%s", ev->where ? ev->where : "");
		if (ev->skb)
			dropped_write(o, ev->skb);
		break;
	case NFEMU_EV_STOLEN:
		f->nstolen++;
		snprintf(f->stolen_where, sizeof(f->stolen_where), "%s", ev->where ? ev->where : "");
		break;
	case NFEMU_EV_QUEUED:
		f->nqueued++;
		fate_note(f, ev->text);
		break;
	case NFEMU_EV_XMIT:
		fate_xlat(f, ev->skb);
		fate_add_egress(f, ev->dev ? ev->dev->name : "?");
		egress_write(o, (struct net_device *)ev->dev, ev->frame, ev->frame_len);
		break;
	case NFEMU_EV_DELIVER:
		fate_xlat(f, ev->skb);
		f->ndeliver++;
		snprintf(f->deliver_where, sizeof(f->deliver_where), "%s",
			 ev->where ? ev->where : ev->text ? ev->text : "");
		break;
	case NFEMU_EV_NOTE:
		fate_note(f, ev->text);
		return;
	case NFEMU_EV_PENDING:
		f->pending = true;
		snprintf(f->pending_for, sizeof(f->pending_for), "%s", ev->text ? ev->text : "");
		waiting_add(o, f, ev->skb);
		return;
	case NFEMU_EV_CT:               /* out_ct_event() */
	case NFEMU_EV_NAT:              /* out_nat_event() */
	case NFEMU_EV_GENERATED:
	case NFEMU_EV_TIMERS_DONE:
		break;
	}
	waiting_del(o, f, ev->skb);     /* whatever it waited for, this is its fate */
	/* The skb is gone after a final event: its address may come back for another packet. */
	if (f->generated && f->skb == ev->skb)
		f->skb = NULL;
}

static void out_log_line(struct nfemu_output *o, int level, const char *line)
{
	if (o->opts.trace && o->opts.trace_levels && level >= 0)
		fprintf(o->opts.trace, "<%d>%s\n", level, line);
	else if (o->opts.trace)
		fprintf(o->opts.trace, "%s\n", line);
	if (o->opts.jsonl) {
		fputs("{\"event\":\"log\"", o->opts.jsonl);
		if (o->in_packet)
			fprintf(o->opts.jsonl, ",\"packet\":%llu", (unsigned long long)o->n);
		if (level >= 0)
			fprintf(o->opts.jsonl, ",\"level\":%d", level);
		fputs(",\"line\":", o->opts.jsonl);
		json_str(o->opts.jsonl, line);
		fputs("}\n", o->opts.jsonl);
	}
}

static void out_sink(void *ctx, int level, const char *line)
{
	out_log_line(ctx, level, line);
}

/* Lines the emulated kernel printk()ed (not through nf_log) since the last look. */
static void out_printk_lines(struct nfemu_output *o)
{
	const struct net *net = o->net;
	unsigned long fresh = net->printk.seq - o->printk_seq;

	if (fresh > net->printk.count)
		fresh = net->printk.count;
	for (unsigned long i = fresh; i > 0; i--)
		out_log_line(o, -1, net->printk.line[(net->printk.head + NFEMU_PRINTK_LINES - i) %
						     NFEMU_PRINTK_LINES]);
	o->printk_seq = net->printk.seq;
}

/* ---------------------------------------------------------------- fate lines */

/* The verdict word for JSON and the summary. */
static const char *fate_verdict(const struct fate *f)
{
	if (f->ndrop && !f->nxmit && !f->ndeliver)
		return "drop";
	if (f->nxmit)
		return f->ingress[0] && !f->generated ? "forward" : "out";
	if (f->ndeliver)
		return "deliver";
	if (f->nstolen)
		return "stolen";
	if (f->nqueued)
		return "queued";
	if (f->pending)
		return "pending";
	return "none";
}

static bool is_netfilter_drop(const struct fate *f)
{
	return f->reason == SKB_DROP_REASON_NETFILTER_DROP && f->drop_where[0];
}

static void fate_outcome(const struct fate *f, char *buf, size_t len)
{
	size_t n = 0;

#define ADD(...) do { if (n < len) n += snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	if (f->nxmit) {
		ADD("%s", f->ingress[0] && !f->generated ? "FORWARD out" : "OUT");
		for (unsigned int i = 0; i < f->negress; i++) {
			ADD("%s %s", i ? "," : "", f->egress[i]);
			if (f->egress_n[i] > 1)
				ADD(" (%u frames)", f->egress_n[i]);
		}
		if (f->xlat) {
			char as[96];

			facts_endpoints(&f->out, as, sizeof(as));
			ADD(" as %s", as);
		}
	}
	if (f->ndeliver) {
		ADD("%sDELIVER local", n ? ", " : "");
		if (!strncmp(f->deliver_where, "to ", 3))       /* a socket: "to tcp 0.0.0.0:22" */
			ADD(" %s", f->deliver_where);
		else if (f->deliver_where[0])
			ADD(" (%s)", f->deliver_where);
		if (f->xlat && !f->nxmit) {
			char as[96];

			facts_endpoints(&f->out, as, sizeof(as));
			ADD(" as %s", as);
		}
	}
	if (f->ndrop) {
		if (is_netfilter_drop(f))
			ADD("%sDROP by %s", n ? ", " : "", f->drop_where);
		else if (f->drop_where[0])
			ADD("%sDROP %s (%s)", n ? ", " : "", skb_drop_reason_name(f->reason), f->drop_where);
		else
			ADD("%sDROP %s", n ? ", " : "", skb_drop_reason_name(f->reason));
		if (f->ndrop > 1)
			ADD(" (%u frames)", f->ndrop);
	}
	if (f->nstolen)
		ADD("%sSTOLEN%s%s", n ? ", " : "", f->stolen_where[0] ? " by " : "", f->stolen_where);
	if (f->nqueued)
		ADD("%sQUEUED", n ? ", " : "");
	if (f->pending)
		ADD("%sPENDING (%s)", n ? ", " : "", f->pending_for);
	if (!n)
		ADD("no fate reported");
	if (f->notes[0])
		ADD("; %s", f->notes);
#undef ADD
}

static void fate_line(struct nfemu_output *o, const struct fate *f)
{
	char outcome[512];
	FILE *t = o->opts.trace;

	if (!t)
		return;
	fate_outcome(f, outcome, sizeof(outcome));
	if (f->generated) {
		fprintf(t, "#%s %s (generated by #%llu%s%s): %s\n", f->id, f->facts.desc,
			(unsigned long long)o->n, f->by[0] ? ": " : "", f->by, outcome);
		return;
	}
	fprintf(t, "#%s +%.6f %s%s %s: %s", f->id, (double)(f->ts_ns - o->first_ts) / 1e9,
		f->ingress[0] ? "in " : "local", f->ingress, f->facts.desc, outcome);
	for (unsigned int i = 0, k = 0; i < o->nchildren; i++)
		if (!o->children[i].late)
			fprintf(t, "%s #%s", k++ ? "" : "; generated", o->children[i].id);
	fputc('\n', t);
}

static void fate_json(struct nfemu_output *o, const struct fate *f)
{
	FILE *j = o->opts.jsonl;
	char outcome[512];

	if (!j)
		return;
	fate_outcome(f, outcome, sizeof(outcome));
	if (f->generated)
		fprintf(j, "{\"event\":\"generated\",\"id\":\"%s\",\"parent\":%llu,", f->id,
			(unsigned long long)o->n);
	else
		fprintf(j, "{\"event\":\"packet\",\"packet\":%llu,", (unsigned long long)o->n);
	json_time(j, f->ts_ns);
	if (!f->generated) {
		fprintf(j, ",\"t\":%.9f,\"ingress\":", (double)(f->ts_ns - o->first_ts) / 1e9);
		if (f->ingress[0])
			json_str(j, f->ingress);
		else
			fputs("null", j);
		fprintf(j, ",\"ingress_by\":\"%s\"", ingress_by_name(f->ingress_by));
	} else {
		fputs(",\"by\":", j);
		json_str(j, f->by);
	}
	fprintf(j, ",\"len\":%u", f->facts.ipv4 ? f->facts.tot_len : f->facts.len);
	if (f->facts.ipv4) {
		fprintf(j, ",\"src\":\"%s\",\"dst\":\"%s\",\"proto\":%u", f->facts.src, f->facts.dst,
			f->facts.proto);
		if (f->facts.sport >= 0)
			fprintf(j, ",\"sport\":%d,\"dport\":%d", f->facts.sport, f->facts.dport);
		if (f->facts.tcp)
			fprintf(j, ",\"tcp_flags\":%u", f->facts.tcp_flags);
		if (f->facts.icmp_type >= 0)
			fprintf(j, ",\"icmp_type\":%d,\"icmp_code\":%d", f->facts.icmp_type,
				f->facts.icmp_code);
	}
	fputs(",\"summary\":", j);
	json_str(j, f->facts.desc);
	fprintf(j, ",\"verdict\":\"%s\",\"rule\":", fate_verdict(f));
	if (f->ndrop && is_netfilter_drop(f))
		json_str(j, f->drop_where);
	else
		fputs("null", j);
	fputs(",\"reason\":", j);
	if (f->ndrop) {
		fprintf(j, "\"%s\",\"where\":", skb_drop_reason_name(f->reason));
		if (!is_netfilter_drop(f) && f->drop_where[0])
			json_str(j, f->drop_where);
		else
			fputs("null", j);
	} else {
		fputs("null,\"where\":null", j);
	}
	fputs(",\"egress\":[", j);
	for (unsigned int i = 0; i < f->negress; i++) {
		fputs(i ? "," : "", j);
		json_str(j, f->egress[i]);
	}
	fprintf(j, "],\"frames_out\":%u,\"delivered\":%s", f->nxmit, f->ndeliver ? "true" : "false");
	if (f->ndeliver && f->deliver_where[0]) {
		fputs(",\"delivered_by\":", j);
		json_str(j, f->deliver_where);
	}
	fprintf(j, ",\"stolen\":%s,\"queued\":%s", f->nstolen ? "true" : "false",
		f->nqueued ? "true" : "false");
	fputs(",\"translated\":", j);
	if (f->xlat) {
		fprintf(j, "{\"src\":\"%s\",\"dst\":\"%s\"", f->out.src, f->out.dst);
		if (f->out.sport >= 0)
			fprintf(j, ",\"sport\":%d,\"dport\":%d", f->out.sport, f->out.dport);
		if (f->out.icmp_id >= 0)
			fprintf(j, ",\"icmp_id\":%d", f->out.icmp_id);
		fputc('}', j);
	} else {
		fputs("null", j);
	}
	if (!f->generated) {
		fputs(",\"children\":[", j);
		for (unsigned int i = 0, k = 0; i < o->nchildren; i++)
			if (!o->children[i].late)
				fprintf(j, "%s\"%s\"", k++ ? "," : "", o->children[i].id);
		fputc(']', j);
	}
	if (f->late)
		fputs(",\"late\":true", j);
	if (f->notes[0]) {
		fputs(",\"notes\":", j);
		json_str(j, f->notes);
	}
	fputs(",\"fate\":", j);
	json_str(j, outcome);
	fputs("}\n", j);
}

/* ---------------------------------------------------------------- summary counts */

static void fate_count(struct nfemu_output *o, const struct fate *f)
{
	char key[128];

	if (f->generated) {
		fate_outcome(f, key, sizeof(key));
		/* "OUT eth0", "DROP by filter:OUTPUT:rule:1": the outcome without notes */
		key[strcspn(key, ";")] = '\0';
		tally_add(&o->gen_fates, key, 1);
		return;
	}
	for (unsigned int i = 0; i < f->negress; i++)
		tally_add(f->ingress[0] ? &o->forwarded : &o->sent, f->egress[i], f->egress_n[i]);
	if (f->ndeliver)
		o->delivered++;
	if (f->ndrop) {
		if (is_netfilter_drop(f)) {
			tally_add(&o->dropped_rule, f->drop_where, 1);
		} else {
			snprintf(key, sizeof(key), "%s%s%s%s", skb_drop_reason_name(f->reason),
				 f->drop_where[0] ? " (" : "", f->drop_where, f->drop_where[0] ? ")" : "");
			tally_add(&o->dropped_stack, key, 1);
			if (f->ingress[0] && !f->reached_prerouting)
				tally_add(&o->ip_rcv_fail, skb_drop_reason_name(f->reason), 1);
		}
	}
	if (f->nstolen)
		o->stolen++;
	if (f->nqueued)
		o->queued++;
	if (!f->nxmit && !f->ndeliver && !f->ndrop && !f->nstolen && !f->nqueued)
		o->nofate++;
}

/* ---------------------------------------------------------------- API */

static int mkdir_p(const char *path)
{
	char *tmp = strdup(path);
	int ret = 0;

	if (!tmp)
		return -ENOMEM;
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (mkdir(tmp, 0777) < 0 && errno != EEXIST) {
				ret = -errno;
				break;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(tmp);
	return ret;
}

int nfemu_output_open(struct nfemu_output **op, struct net *net, const struct nfemu_output_opts *opts,
		      char *err, size_t errlen)
{
	struct nfemu_output *o = calloc(1, sizeof(*o));
	char path[4096];
	struct stat st;
	int ret;

	*op = NULL;
	if (!o || !(o->children = calloc(OUT_MAX_CHILDREN, sizeof(*o->children))) ||
	    !(o->late_children = calloc(OUT_MAX_CHILDREN, sizeof(*o->late_children)))) {
		if (o)
			free(o->children);
		free(o);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	o->net = net;
	o->opts = *opts;
	if (opts->egress_dir) {
		ret = mkdir_p(opts->egress_dir);
		if (ret || stat(opts->egress_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "--egress %s: %s", opts->egress_dir,
				 strerror(ret ? -ret : errno ? errno : ENOTDIR));
			goto fail;
		}
		o->egress_dir = strdup(opts->egress_dir);
		snprintf(path, sizeof(path), "%s/dropped.pcap", opts->egress_dir);
		ret = o->egress_dir ? nfemu_pcap_writer_open(&o->dropped, path, err, errlen) : -ENOMEM;
		if (ret)
			goto fail;
	}
	o->printk_seq = net->printk.seq;
	net->observer.event = out_event;
	net->observer.ctx = o;
	net->observer.ct_events = (opts->trace && opts->explain) || opts->jsonl;
	net->nf.log.sink = out_sink;
	net->nf.log.sink_ctx = o;
	clock_gettime(CLOCK_MONOTONIC, &o->start);
	o->last_draw = o->start;
	*op = o;
	return 0;
fail:
	free(o->egress_dir);
	free(o->children);
	free(o->late_children);
	free(o);
	return -EIO;
}

void nfemu_output_egress_touch(struct nfemu_output *o, struct net_device *dev)
{
	if (o->egress_dir && dev)
		egress_file(o, dev);
}

void nfemu_output_packet_begin(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress,
			       enum nfemu_ingress_by by, const unsigned char *l3, unsigned int l3len,
			       unsigned int wire_len)
{
	struct fate *f = &o->parent;

	o->records = n > o->records ? n : o->records;
	o->replayed++;
	if (!ingress)
		o->local_in++;
	if (!o->have_first_ts) {
		o->first_ts = ts_ns;
		o->have_first_ts = true;
	}
	o->last_ts = ts_ns;
	late_end(o);
	o->in_packet = true;
	o->n = n;
	o->nchildren = 0;
	o->next_kid = 0;
	o->nwait = 0;
	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%llu", (unsigned long long)n);
	snprintf(f->ingress, sizeof(f->ingress), "%s", ingress ? ingress : "");
	f->ingress_by = by;
	f->ts_ns = ts_ns;
	f->wire_len = wire_len;
	facts_parse(l3, l3len, &f->facts);
}

void nfemu_output_saw_prerouting(struct nfemu_output *o, const struct sk_buff *skb)
{
	if (o->in_packet && skb->emu_id == o->n)
		o->parent.reached_prerouting = true;
}

/* Print and count a group's fates (a packet and its children, or a late group); the ones
 * still waiting in the stack are counted when their fate comes. */
static void group_fate_end(struct nfemu_output *o, struct fate *f, int idx)
{
	bool counted = false;

	fate_line(o, f);
	fate_json(o, f);
	for (size_t i = 0; i < o->nwait; i++)
		if (o->wait[i].idx == idx) {
			pending_add(o, f, o->wait[i].skb);
			counted = true;
		}
	if (!counted)
		fate_count(o, f);
}

static void group_end(struct nfemu_output *o)
{
	out_printk_lines(o);
	if (!o->late || o->late_parent)
		group_fate_end(o, &o->parent, -1);
	for (unsigned int i = 0; i < o->nchildren; i++)
		group_fate_end(o, &o->children[i], (int)i);
	o->nwait = 0;
}

void nfemu_output_packet_end(struct nfemu_output *o)
{
	late_end(o);
	group_end(o);
	o->in_packet = false;
	o->nchildren = 0;
}

void nfemu_output_skip(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress,
		       const unsigned char *l3, unsigned int l3len, const char *what,
		       const char *kind, const char *detail)
{
	struct pkt_facts facts;
	const char *desc = what;

	o->records = n > o->records ? n : o->records;
	if (!o->have_first_ts) {
		o->first_ts = ts_ns;
		o->have_first_ts = true;
	}
	if (ts_ns > o->last_ts)
		o->last_ts = ts_ns;
	if (l3) {
		facts_parse(l3, l3len, &facts);
		desc = facts.desc;
	}
	tally_add(&o->skipped, kind, 1);
	if (o->opts.trace)
		fprintf(o->opts.trace, "#%llu +%.6f %s%s %s: skipped (%s)\n", (unsigned long long)n,
			(double)(ts_ns - o->first_ts) / 1e9, ingress ? "in " : "", ingress ? ingress : "-",
			desc, detail);
	if (o->opts.jsonl) {
		fprintf(o->opts.jsonl, "{\"event\":\"skipped\",\"packet\":%llu,", (unsigned long long)n);
		json_time(o->opts.jsonl, ts_ns);
		fputs(",\"ingress\":", o->opts.jsonl);
		if (ingress)
			json_str(o->opts.jsonl, ingress);
		else
			fputs("null", o->opts.jsonl);
		fputs(",\"summary\":", o->opts.jsonl);
		json_str(o->opts.jsonl, desc);
		fputs(",\"kind\":", o->opts.jsonl);
		json_str(o->opts.jsonl, kind);
		fputs(",\"reason\":", o->opts.jsonl);
		json_str(o->opts.jsonl, detail);
		fputs("}\n", o->opts.jsonl);
	}
}

void nfemu_output_note(struct nfemu_output *o, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (o->opts.trace)
		fprintf(o->opts.trace, "# %s\n", text);
	if (o->opts.jsonl) {
		fputs("{\"event\":\"note\",\"text\":", o->opts.jsonl);
		json_str(o->opts.jsonl, text);
		fputs("}\n", o->opts.jsonl);
	}
}

void nfemu_output_progress(struct nfemu_output *o, u64 done, u64 total)
{
	struct timespec now;
	double elapsed, pct;
	int width = 30, fill;

	if (!o->opts.progress || (o->records & 255))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (o->drawn && ts_diff(&now, &o->last_draw) < 0.2)
		return;
	o->last_draw = now;
	o->drawn = true;
	elapsed = ts_diff(&now, &o->start);
	pct = total ? 100.0 * (double)done / (double)total : 0;
	if (pct > 100)
		pct = 100;
	fill = (int)(pct * width / 100);
	fprintf(stderr, "\r[%.*s%*s] %5.1f%% %llu packets, %.0f packets/s ", fill,
		"##############################", width - fill, "", pct,
		(unsigned long long)o->records, elapsed > 0 ? (double)o->records / elapsed : 0.0);
	fflush(stderr);
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

/* The fates (not skbs: a fragmented packet waits as several) still waiting at the end. */
static u64 pending_count(const struct nfemu_output *o)
{
	u64 n = 0;

	for (size_t i = 0; i < o->npend; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (o->pend[j].n == o->pend[i].n && !strcmp(o->pend[j].f.id, o->pend[i].f.id))
				break;
		n += j == i;
	}
	return n;
}

static void summary_print(struct nfemu_output *o)
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
	if (o->npend)
		fprintf(f, "  %-28s %llu\n", "still pending at the end", (unsigned long long)pending_count(o));
	fflush(f);
}

int nfemu_output_close(struct nfemu_output *o, char *err, size_t errlen)
{
	int ret;

	if (!o)
		return 0;
	if (o->drawn)
		fprintf(stderr, "\r%*s\r", 79, "");
	out_printk_lines(o);
	if (o->opts.trace)
		fflush(o->opts.trace);
	if (o->opts.jsonl)
		fflush(o->opts.jsonl);
	summary_print(o);
	while (o->egress) {
		struct egress_file *ef = o->egress;

		o->egress = ef->next;
		if (nfemu_pcap_writer_close(ef->w))
			out_write_error(o, -EIO, "%s/%s.pcap: write error", o->egress_dir, ef->dev->name);
		free(ef);
	}
	if (nfemu_pcap_writer_close(o->dropped))
		out_write_error(o, -EIO, "%s/dropped.pcap: write error", o->egress_dir);
	if (o->opts.trace && fflush(o->opts.trace))
		out_write_error(o, -EIO, "trace output: %s", strerror(errno));
	if (o->opts.jsonl && fflush(o->opts.jsonl))
		out_write_error(o, -EIO, "--jsonl output: %s", strerror(errno));
	if (o->net->observer.ctx == o) {
		o->net->observer.event = NULL;
		o->net->observer.ctx = NULL;
		o->net->observer.ct_events = false;
	}
	if (o->net->nf.log.sink_ctx == o) {
		o->net->nf.log.sink = NULL;
		o->net->nf.log.sink_ctx = NULL;
	}
	ret = o->write_error;
	if (ret)
		snprintf(err, errlen, "%s", o->write_error_msg);
	tally_free(&o->forwarded);
	tally_free(&o->sent);
	tally_free(&o->gen_fates);
	tally_free(&o->dropped_rule);
	tally_free(&o->dropped_stack);
	tally_free(&o->ip_rcv_fail);
	tally_free(&o->skipped);
	free(o->egress_dir);
	free(o->children);
	free(o->late_children);
	free(o->pend);
	free(o->wait);
	free(o);
	return ret;
}
