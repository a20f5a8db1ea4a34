/* conntrack/nf_conntrack_proto_tcp.c - the TCP tracker: state table and window tracking.
 *
 * Mirrors net/netfilter/nf_conntrack_proto_tcp.c: tcp_conntracks[dir][flags][state] moves the
 * connection through SYN_SENT .. TIME_WAIT/CLOSE; tcp_in_window checks every segment against
 * the windows seen in both directions (window scaling, SACK, the be_liberal and tcp_loose
 * pick-up of connections seen mid-stream); RSTs are checked against the last ACK, a SYN in
 * TIME_WAIT kills the entry and asks the core to start afresh (-NF_REPEAT); retransmissions
 * shorten the timeout.  Bad flags, truncated headers and bad checksums make packets INVALID.
 * NAT's sequence adjustment (nf_conntrack_seqadj.c) is taken into account for acknowledgements.
 * EMU: no SYN proxy; no ctnetlink attributes.
 */
#include <arpa/inet.h>
#include <linux/tcp.h>
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_l4proto.h"
#include "conntrack/nf_conntrack_seqadj.h"
#include "netstack/skbuff.h"
#include "netstack/tcp.h"


static const char *const tcp_conntrack_names[] = {
	"NONE",
	"SYN_SENT",
	"SYN_RECV",
	"ESTABLISHED",
	"FIN_WAIT",
	"CLOSE_WAIT",
	"LAST_ACK",
	"TIME_WAIT",
	"CLOSE",
	"SYN_SENT2",
};

const char *nf_ct_tcp_state_name(u8 state)
{
	return state < ARRAY_SIZE(tcp_conntrack_names) ? tcp_conntrack_names[state] : "?";
}

enum nf_ct_tcp_action {
	NFCT_TCP_IGNORE,
	NFCT_TCP_INVALID,
	NFCT_TCP_ACCEPT,
};

#define SECS *HZ
#define MINS *60 SECS

/* The timeouts the sysctls set, in jiffies; timeouts[0] ("new") and SYN_SENT2 keep the
 * built-in 2 minutes, which no sysctl reaches. */
void nf_tcp_timeouts(const struct net *net, unsigned int t[TCP_CONNTRACK_TIMEOUT_MAX])
{
	const struct netns_nf_ct_sysctl *s = nf_ct_sysctl(net);

	memset(t, 0, sizeof(unsigned int) * TCP_CONNTRACK_TIMEOUT_MAX);
	t[TCP_CONNTRACK_NONE] = 2 MINS;
	t[TCP_CONNTRACK_SYN_SENT] = (unsigned int)s->tcp_timeout_syn_sent * HZ;
	t[TCP_CONNTRACK_SYN_RECV] = (unsigned int)s->tcp_timeout_syn_recv * HZ;
	t[TCP_CONNTRACK_ESTABLISHED] = (unsigned int)s->tcp_timeout_established * HZ;
	t[TCP_CONNTRACK_FIN_WAIT] = (unsigned int)s->tcp_timeout_fin_wait * HZ;
	t[TCP_CONNTRACK_CLOSE_WAIT] = (unsigned int)s->tcp_timeout_close_wait * HZ;
	t[TCP_CONNTRACK_LAST_ACK] = (unsigned int)s->tcp_timeout_last_ack * HZ;
	t[TCP_CONNTRACK_TIME_WAIT] = (unsigned int)s->tcp_timeout_time_wait * HZ;
	t[TCP_CONNTRACK_CLOSE] = (unsigned int)s->tcp_timeout_close * HZ;
	t[TCP_CONNTRACK_SYN_SENT2] = 2 MINS;
	t[TCP_CONNTRACK_RETRANS] = (unsigned int)s->tcp_timeout_max_retrans * HZ;
	t[TCP_CONNTRACK_UNACK] = (unsigned int)s->tcp_timeout_unacknowledged * HZ;
}

#define sNO TCP_CONNTRACK_NONE
#define sSS TCP_CONNTRACK_SYN_SENT
#define sSR TCP_CONNTRACK_SYN_RECV
#define sES TCP_CONNTRACK_ESTABLISHED
#define sFW TCP_CONNTRACK_FIN_WAIT
#define sCW TCP_CONNTRACK_CLOSE_WAIT
#define sLA TCP_CONNTRACK_LAST_ACK
#define sTW TCP_CONNTRACK_TIME_WAIT
#define sCL TCP_CONNTRACK_CLOSE
#define sS2 TCP_CONNTRACK_SYN_SENT2
#define sIV TCP_CONNTRACK_MAX
#define sIG TCP_CONNTRACK_IGNORE

/* What TCP flags are set from RST/SYN/FIN/ACK. */
enum tcp_bit_set {
	TCP_SYN_SET,
	TCP_SYNACK_SET,
	TCP_FIN_SET,
	TCP_ACK_SET,
	TCP_RST_SET,
	TCP_NONE_SET,
};

/*
 * The state transition table: [direction][packet type][current state] -> new state.
 * We are the man in the middle: every packet passes us but may be lost after us, so the
 * table guesses the state of the sender.  sIG: may be valid or not, let through without a
 * state change (the receiver will answer with RST or SYN/ACK).  sIV: truly invalid.
 */
static const u8 tcp_conntracks[2][6][TCP_CONNTRACK_MAX] = {
	{
/* ORIGINAL */
/*	     sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2	*/
/*syn*/	   { sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
/*synack*/ { sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
/*fin*/    { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/*ack*/	   { sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
/*rst*/    { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/*none*/   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV }
	},
	{
/* REPLY */
/*	     sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2	*/
/*syn*/	   { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2 },
/*synack*/ { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
/*fin*/    { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/*ack*/	   { sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
/*rst*/    { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/*none*/   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV }
	}
};

u8 nfemu_tcp_conntracks_cell(unsigned int dir, unsigned int index, unsigned int state)
{
	if (dir > 1 || index > TCP_NONE_SET || state >= TCP_CONNTRACK_MAX)
		return TCP_CONNTRACK_MAX;
	return tcp_conntracks[dir][index][state];
}

static const char *tcp_state_name(const struct nf_conn *ct)
{
	return nf_ct_tcp_state_name(ct->proto.tcp.state);
}

static unsigned int get_conntrack_index(const struct tcphdr *tcph)
{
	if (tcph->rst)
		return TCP_RST_SET;
	else if (tcph->syn)
		return tcph->ack ? TCP_SYNACK_SET : TCP_SYN_SET;
	else if (tcph->fin)
		return TCP_FIN_SET;
	else if (tcph->ack)
		return TCP_ACK_SET;
	else
		return TCP_NONE_SET;
}

/*
 * Window tracking after Guido van Rooij's "Real Stateful TCP Packet Filtering in IP Filter",
 * with RFC 793 boundaries:
 *	td_maxend = max(sack + max(win,1)) seen in reply packets
 *	td_maxwin = max(max(win, 1)) + (sack - ack) seen in sent packets
 *	td_maxwin += seq + len - sender.td_maxend  if seq + len > sender.td_maxend
 *	td_end    = max(seq + len) seen in sent packets
 *   I.   Upper bound for valid data:	seq <= sender.td_maxend
 *   II.  Lower bound for valid data:	seq + len >= sender.td_end - receiver.td_maxwin
 *   III. Upper bound for valid (s)ack:	sack <= receiver.td_end
 *   IV.  Lower bound for valid (s)ack:	sack >= receiver.td_end - MAXACKWINDOW
 * where sack is the highest right edge of a SACK block, or ack without SACK.
 */
static inline u32 segment_seq_plus_len(u32 seq, size_t len, unsigned int dataoff,
				       const struct tcphdr *tcph)
{
	return (u32)(seq + len - dataoff - tcph->doff * 4 + (tcph->syn ? 1 : 0) + (tcph->fin ? 1 : 0));
}

#define MAXACKWINCONST 66000
#define MAXACKWINDOW(sender) ((sender)->td_maxwin > MAXACKWINCONST ? (sender)->td_maxwin : MAXACKWINCONST)

static u32 get_unaligned_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Simplified tcp_parse_options routine from tcp_input.c */
static void tcp_options(const struct sk_buff *skb, unsigned int dataoff, const struct tcphdr *tcph,
			struct ip_ct_tcp_state *state)
{
	int length = (tcph->doff * 4) - (int)sizeof(struct tcphdr);
	const u8 *ptr;

	if (!length)
		return;
	ptr = skb_header_pointer(skb, (int)(dataoff + sizeof(struct tcphdr)), length, NULL);
	if (!ptr)
		return;

	state->td_scale = 0;
	state->flags &= IP_CT_TCP_FLAG_BE_LIBERAL;

	while (length > 0) {
		int opcode = *ptr++;
		int opsize;

		switch (opcode) {
		case TCPOPT_EOL:
			return;
		case TCPOPT_NOP:        /* Ref: RFC 793 section 3.1 */
			length--;
			continue;
		default:
			if (length < 2)
				return;
			opsize = *ptr++;
			if (opsize < 2)         /* "silly options" */
				return;
			if (opsize > length)
				return;         /* don't parse partial options */
			if (opcode == TCPOPT_SACK_PERM && opsize == TCPOLEN_SACK_PERM) {
				state->flags |= IP_CT_TCP_FLAG_SACK_PERM;
			} else if (opcode == TCPOPT_WINDOW && opsize == TCPOLEN_WINDOW) {
				state->td_scale = *ptr;
				if (state->td_scale > TCP_MAX_WSCALE)
					state->td_scale = TCP_MAX_WSCALE;
				state->flags |= IP_CT_TCP_FLAG_WINDOW_SCALE;
			}
			ptr += opsize - 2;
			length -= opsize;
		}
	}
}

static void tcp_sack(const struct sk_buff *skb, unsigned int dataoff, const struct tcphdr *tcph,
		     u32 *sack)
{
	int length = (tcph->doff * 4) - (int)sizeof(struct tcphdr);
	const u8 *ptr;
	u32 tmp;

	if (!length)
		return;
	ptr = skb_header_pointer(skb, (int)(dataoff + sizeof(struct tcphdr)), length, NULL);
	if (!ptr)
		return;

	/* Fast path for timestamp-only option */
	if (length == TCPOLEN_TSTAMP_ALIGNED &&
	    get_unaligned_be32(ptr) == ((TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) |
					(TCPOPT_TIMESTAMP << 8) | TCPOLEN_TIMESTAMP))
		return;

	while (length > 0) {
		int opcode = *ptr++;
		int opsize, i;

		switch (opcode) {
		case TCPOPT_EOL:
			return;
		case TCPOPT_NOP:        /* Ref: RFC 793 section 3.1 */
			length--;
			continue;
		default:
			if (length < 2)
				return;
			opsize = *ptr++;
			if (opsize < 2)         /* "silly options" */
				return;
			if (opsize > length)
				return;         /* don't parse partial options */
			if (opcode == TCPOPT_SACK && opsize >= (TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK) &&
			    !((opsize - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK)) {
				for (i = 0; i < (opsize - TCPOLEN_SACK_BASE); i += TCPOLEN_SACK_PERBLOCK) {
					tmp = get_unaligned_be32(ptr + i + 4);
					if (after(tmp, *sack))
						*sack = tmp;
				}
				return;
			}
			ptr += opsize - 2;
			length -= opsize;
		}
	}
}

static void tcp_init_sender(struct ip_ct_tcp_state *sender, struct ip_ct_tcp_state *receiver,
			    const struct sk_buff *skb, unsigned int dataoff, const struct tcphdr *tcph,
			    u32 end, u32 win, enum ip_conntrack_dir dir)
{
	/* SYN-ACK in reply to a SYN or SYN from reply direction in simultaneous open. */
	sender->td_end = sender->td_maxend = end;
	sender->td_maxwin = (win == 0 ? 1 : win);

	tcp_options(skb, dataoff, tcph, sender);
	/* RFC 1323: both sides must send the Window Scale option to enable window scaling in
	 * either direction. */
	if (dir == IP_CT_DIR_REPLY &&
	    !(sender->flags & IP_CT_TCP_FLAG_WINDOW_SCALE &&
	      receiver->flags & IP_CT_TCP_FLAG_WINDOW_SCALE)) {
		sender->td_scale = 0;
		receiver->td_scale = 0;
	}
}

enum nf_tcp_invalid_log_type {
	NF_TCP_LOG_NONE,
	NF_TCP_LOG_OVERSHOT,
	NF_TCP_LOG_SEQ_OVER,
	NF_TCP_LOG_ACK_OVER,
	NF_TCP_LOG_SEQ_UNDER,
	NF_TCP_LOG_ACK_UNDER,
};

struct nf_tcp_invalid_log {
	enum nf_tcp_invalid_log_type type;
	u32 value;
};

static enum nf_ct_tcp_action nf_tcp_store_invalid(const struct nf_conn *ct,
						  const struct ip_ct_tcp_state *sender,
						  struct nf_tcp_invalid_log *log,
						  enum nf_ct_tcp_action ret,
						  enum nf_tcp_invalid_log_type type, u32 value)
{
	bool be_liberal = (sender->flags & IP_CT_TCP_FLAG_BE_LIBERAL) ||
			  nf_ct_sysctl(nf_ct_net(ct))->tcp_be_liberal;

	if (be_liberal)
		return NFCT_TCP_ACCEPT;
	log->type = type;
	log->value = value;
	return ret;
}

static void nf_tcp_log_invalid(const struct sk_buff *skb, const struct nf_conn *ct,
			       const struct nf_hook_state *state, const struct nf_tcp_invalid_log *log)
{
	/* EMU: the reason for the observer, whatever nf_conntrack_log_invalid says */
	static const u8 why[] = {
		[NF_TCP_LOG_OVERSHOT] = NFEMU_CTINV_TCP_OVERSHOT,
		[NF_TCP_LOG_SEQ_OVER] = NFEMU_CTINV_TCP_SEQ_OVER,
		[NF_TCP_LOG_ACK_OVER] = NFEMU_CTINV_TCP_ACK_OVER,
		[NF_TCP_LOG_SEQ_UNDER] = NFEMU_CTINV_TCP_SEQ_UNDER,
		[NF_TCP_LOG_ACK_UNDER] = NFEMU_CTINV_TCP_ACK_UNDER,
	};

	if (log->type != NF_TCP_LOG_NONE)
		nf_ct_observe_invalid(nf_ct_net(ct), skb, ct, IPPROTO_TCP,
				      (enum nfemu_ct_invalid)why[log->type], log->value, 0, 0);
	switch (log->type) {
	case NF_TCP_LOG_OVERSHOT:
		nf_ct_l4proto_log_invalid(skb, ct, state, "%u bytes more than expected", log->value);
		break;
	case NF_TCP_LOG_SEQ_OVER:
		nf_ct_l4proto_log_invalid(skb, ct, state,
					  "SEQ is over upper bound %u (over the window of the receiver)",
					  log->value);
		break;
	case NF_TCP_LOG_ACK_OVER:
		nf_ct_l4proto_log_invalid(skb, ct, state,
					  "ACK is over upper bound %u (ACKed data not seen yet)",
					  log->value);
		break;
	case NF_TCP_LOG_SEQ_UNDER:
		nf_ct_l4proto_log_invalid(skb, ct, state,
					  "SEQ is under lower bound %u (already ACKed data retransmitted)",
					  log->value);
		break;
	case NF_TCP_LOG_ACK_UNDER:
		nf_ct_l4proto_log_invalid(skb, ct, state,
					  "ignored ACK under lower bound %u (possible overly delayed)",
					  log->value);
		break;
	case NF_TCP_LOG_NONE:
		break;
	}
}

static enum nf_ct_tcp_action tcp_in_window(struct nf_conn *ct, enum ip_conntrack_dir dir,
					   unsigned int index, const struct sk_buff *skb,
					   unsigned int dataoff, const struct tcphdr *tcph,
					   struct nf_tcp_invalid_log *log)
{
	struct ip_ct_tcp *state = &ct->proto.tcp;
	struct ip_ct_tcp_state *sender = &state->seen[dir];
	struct ip_ct_tcp_state *receiver = &state->seen[!dir];
	u32 seq, ack, sack, end, win, swin;
	bool in_recv_win, seq_ok;
	s32 receiver_offset;
	u16 win_raw;

	/* Get the required data from the packet. */
	seq = ntohl(tcph->seq);
	ack = sack = ntohl(tcph->ack_seq);
	win_raw = ntohs(tcph->window);
	win = win_raw;
	end = segment_seq_plus_len(seq, skb->len, dataoff, tcph);

	if (receiver->flags & IP_CT_TCP_FLAG_SACK_PERM)
		tcp_sack(skb, dataoff, tcph, &sack);

	/* Take into account NAT sequence number mangling */
	receiver_offset = nf_ct_seq_offset(ct, !dir, ack - 1);
	ack -= (u32)receiver_offset;
	sack -= (u32)receiver_offset;

	if (sender->td_maxwin == 0) {
		/* Initialize sender data. */
		if (tcph->syn) {
			tcp_init_sender(sender, receiver, skb, dataoff, tcph, end, win, dir);
			if (!tcph->ack)
				/* Simultaneous open */
				return NFCT_TCP_ACCEPT;
		} else {
			/* We are in the middle of a connection, its history is lost for us.  Let's
			 * try to use the data from the packet. */
			sender->td_end = end;
			swin = win << sender->td_scale;
			sender->td_maxwin = (swin == 0 ? 1 : swin);
			sender->td_maxend = end + sender->td_maxwin;
			if (receiver->td_maxwin == 0) {
				/* We haven't seen traffic in the other direction yet but we have to
				 * tweak window tracking to pass III and IV until that happens. */
				receiver->td_end = receiver->td_maxend = sack;
			} else if (sack == receiver->td_end + 1) {
				/* Likely a reply to a keepalive.  Needed for III. */
				receiver->td_end++;
			}
		}
	} else if (tcph->syn && after(end, sender->td_end) &&
		   (state->state == TCP_CONNTRACK_SYN_SENT ||
		    state->state == TCP_CONNTRACK_SYN_RECV)) {
		/* RFC 793: "if a TCP is reinitialized ... then it need not wait at all; it must
		 * only be sure to use sequence numbers larger than those recently used."
		 * Re-init state for this direction, just like for the first syn(-ack) reply, it
		 * might differ in seq, ack or tcp options. */
		tcp_init_sender(sender, receiver, skb, dataoff, tcph, end, win, dir);
		if (dir == IP_CT_DIR_REPLY && !tcph->ack)
			return NFCT_TCP_ACCEPT;
	}

	if (!(tcph->ack)) {
		/* If there is no ACK, just pretend it was set and OK. */
		ack = sack = receiver->td_end;
	} else if (((tcp_flag_word(tcph) & (TCP_FLAG_ACK | TCP_FLAG_RST)) ==
		    (TCP_FLAG_ACK | TCP_FLAG_RST)) && (ack == 0)) {
		/* Broken TCP stacks, that set ACK in RST packets as well with zero ack value. */
		ack = sack = receiver->td_end;
	}

	if (tcph->rst && seq == 0 && state->state == TCP_CONNTRACK_SYN_SENT)
		/* RST sent answering SYN. */
		seq = end = sender->td_end;

	seq_ok = before(seq, sender->td_maxend + 1);
	if (!seq_ok) {
		u32 overshot = end - sender->td_maxend + 1;
		bool ack_ok;

		ack_ok = after(sack, receiver->td_end - MAXACKWINDOW(sender) - 1);
		in_recv_win = receiver->td_maxwin &&
			      after(end, sender->td_end - receiver->td_maxwin - 1);

		if (in_recv_win && ack_ok && overshot <= receiver->td_maxwin &&
		    before(sack, receiver->td_end + 1)) {
			/* Work around TCPs that send more bytes than allowed by the receive
			 * window.  If only the sequence check fails, update td_end so a possible
			 * ACK for this data can update internal state. */
			sender->td_end = end;
			sender->flags |= IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
			return nf_tcp_store_invalid(ct, sender, log, NFCT_TCP_IGNORE,
						    NF_TCP_LOG_OVERSHOT, overshot);
		}
		return nf_tcp_store_invalid(ct, sender, log, NFCT_TCP_INVALID, NF_TCP_LOG_SEQ_OVER,
					    sender->td_maxend + 1);
	}

	if (!before(sack, receiver->td_end + 1))
		return nf_tcp_store_invalid(ct, sender, log, NFCT_TCP_INVALID, NF_TCP_LOG_ACK_OVER,
					    receiver->td_end + 1);

	/* Is the ending sequence in the receive window (if available)? */
	in_recv_win = !receiver->td_maxwin || after(end, sender->td_end - receiver->td_maxwin - 1);
	if (!in_recv_win)
		return nf_tcp_store_invalid(ct, sender, log, NFCT_TCP_IGNORE, NF_TCP_LOG_SEQ_UNDER,
					    sender->td_end - receiver->td_maxwin - 1);
	if (!after(sack, receiver->td_end - MAXACKWINDOW(sender) - 1))
		return nf_tcp_store_invalid(ct, sender, log, NFCT_TCP_IGNORE, NF_TCP_LOG_ACK_UNDER,
					    receiver->td_end - MAXACKWINDOW(sender) - 1);

	/* Take into account window scaling (RFC 1323). */
	if (!tcph->syn)
		win <<= sender->td_scale;

	/* Update sender data. */
	swin = win + (sack - ack);
	if (sender->td_maxwin < swin)
		sender->td_maxwin = swin;
	if (after(end, sender->td_end)) {
		sender->td_end = end;
		sender->flags |= IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
	}
	if (tcph->ack) {
		if (!(sender->flags & IP_CT_TCP_FLAG_MAXACK_SET)) {
			sender->td_maxack = ack;
			sender->flags |= IP_CT_TCP_FLAG_MAXACK_SET;
		} else if (after(ack, sender->td_maxack)) {
			sender->td_maxack = ack;
		}
	}

	/* Update receiver data. */
	if (receiver->td_maxwin != 0 && after(end, sender->td_maxend))
		receiver->td_maxwin += end - sender->td_maxend;
	if (after(sack + win, receiver->td_maxend - 1)) {
		receiver->td_maxend = sack + win;
		if (win == 0)
			receiver->td_maxend++;
	}
	if (ack == receiver->td_end)
		receiver->flags &= ~IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;

	/* Check retransmissions. */
	if (index == TCP_ACK_SET) {
		if (state->last_dir == dir && state->last_seq == seq && state->last_ack == ack &&
		    state->last_end == end && state->last_win == win_raw) {
			state->retrans++;
		} else {
			state->last_dir = dir;
			state->last_seq = seq;
			state->last_ack = ack;
			state->last_end = end;
			state->last_win = win_raw;
			state->retrans = 0;
		}
	}
	return NFCT_TCP_ACCEPT;
}

static bool nf_tcp_handle_invalid(struct nf_conn *ct, enum ip_conntrack_dir dir, unsigned int index)
{
	unsigned int timeouts_buf[TCP_CONNTRACK_TIMEOUT_MAX];
	const unsigned int *timeouts;
	unsigned int timeout;
	unsigned long expires;

	if (!(ct->status & IPS_ASSURED) || (ct->status & IPS_FIXED_TIMEOUT))
		return false;

	/* We don't want to have connections hanging around in ESTABLISHED state for long time
	 * 'just because' conntrack deemed a FIN/RST out-of-window.  Shrink the timeout just like
	 * when there is unacked data. */
	switch (index) {
	case TCP_RST_SET:
	case TCP_FIN_SET:
		break;
	default:
		return false;
	}

	if (ct->proto.tcp.last_dir != dir &&
	    (ct->proto.tcp.last_index == TCP_FIN_SET || ct->proto.tcp.last_index == TCP_RST_SET)) {
		expires = nf_ct_expires(ct);
		if (expires < 120 * HZ)
			return false;
		timeouts = nf_ct_timeout_lookup(ct);
		if (!timeouts) {
			nf_tcp_timeouts(nf_ct_net(ct), timeouts_buf);
			timeouts = timeouts_buf;
		}
		timeout = timeouts[TCP_CONNTRACK_UNACK];
		if (expires > timeout) {
			ct->timeout = timeout + nfct_time_stamp(nf_ct_net(ct));
			return true;
		}
	} else {
		ct->proto.tcp.last_index = (u8)index;
		ct->proto.tcp.last_dir = (u8)dir;
	}
	return false;
}

/* table of valid flag combinations - PUSH, ECE and CWR are always valid */
static const u8 tcp_valid_flags[(TCPHDR_FIN | TCPHDR_SYN | TCPHDR_RST | TCPHDR_ACK | TCPHDR_URG) + 1] = {
	[TCPHDR_SYN] = 1,
	[TCPHDR_SYN | TCPHDR_URG] = 1,
	[TCPHDR_SYN | TCPHDR_ACK] = 1,
	[TCPHDR_RST] = 1,
	[TCPHDR_RST | TCPHDR_ACK] = 1,
	[TCPHDR_FIN | TCPHDR_ACK] = 1,
	[TCPHDR_FIN | TCPHDR_ACK | TCPHDR_URG] = 1,
	[TCPHDR_ACK] = 1,
	[TCPHDR_ACK | TCPHDR_URG] = 1,
};

static void tcp_error_log(const struct sk_buff *skb, const struct nf_hook_state *state,
			  enum nfemu_ct_invalid why, const char *msg)
{
	nf_ct_observe_invalid(state->net, skb, NULL, IPPROTO_TCP, why, 0, 0, 0);  /* EMU */
	nf_l4proto_log_invalid(skb, state, IPPROTO_TCP, "%s", msg);
}

/* Protect conntrack against broken packets. */
static bool tcp_error(const struct tcphdr *th, struct sk_buff *skb, unsigned int dataoff,
		      const struct nf_hook_state *state)
{
	unsigned int tcplen = skb->len - dataoff;
	u8 tcpflags;

	/* Not whole TCP header or malformed packet */
	if (th->doff * 4 < sizeof(struct tcphdr) || tcplen < th->doff * 4u) {
		tcp_error_log(skb, state, NFEMU_CTINV_TCP_TRUNCATED, "truncated packet");
		return true;
	}
	/* Checksum invalid?  Ignore.  We skip checking packets on the outgoing path because the
	 * checksum is assumed to be correct. */
	if (nf_ct_sysctl(state->net)->checksum && state->hook == NF_INET_PRE_ROUTING &&
	    nf_ip_checksum(skb, state->hook, dataoff, IPPROTO_TCP)) {
		tcp_error_log(skb, state, NFEMU_CTINV_TCP_CHECKSUM, "bad checksum");
		return true;
	}
	/* Check TCP flags. */
	tcpflags = (u8)(tcp_flag_byte(th) & ~(TCPHDR_ECE | TCPHDR_CWR | TCPHDR_PSH));
	if (!tcp_valid_flags[tcpflags]) {
		tcp_error_log(skb, state, NFEMU_CTINV_TCP_FLAGS,
			      "invalid tcp flag combination");
		return true;
	}
	return false;
}

static bool tcp_new(struct nf_conn *ct, const struct sk_buff *skb, unsigned int dataoff,
		    const struct tcphdr *th, const struct nf_hook_state *state)
{
	enum tcp_conntrack new_state;

	/* Don't need lock here: this conntrack not in circulation yet */
	new_state = tcp_conntracks[0][get_conntrack_index(th)][TCP_CONNTRACK_NONE];

	/* Invalid: delete conntrack */
	if (new_state >= TCP_CONNTRACK_MAX) {
		tcp_error_log(skb, state, NFEMU_CTINV_TCP_NEW, "invalid new");
		return false;
	}

	if (new_state == TCP_CONNTRACK_SYN_SENT) {
		memset(&ct->proto.tcp, 0, sizeof(ct->proto.tcp));
		/* SYN packet */
		ct->proto.tcp.seen[0].td_end = segment_seq_plus_len(ntohl(th->seq), skb->len, dataoff, th);
		ct->proto.tcp.seen[0].td_maxwin = ntohs(th->window);
		if (ct->proto.tcp.seen[0].td_maxwin == 0)
			ct->proto.tcp.seen[0].td_maxwin = 1;
		ct->proto.tcp.seen[0].td_maxend = ct->proto.tcp.seen[0].td_end;
		tcp_options(skb, dataoff, th, &ct->proto.tcp.seen[0]);
	} else if (nf_ct_sysctl(nf_ct_net(ct))->tcp_loose == 0) {
		/* Don't try to pick up connections. */
		nf_ct_observe_invalid(state->net, skb, ct, IPPROTO_TCP, NFEMU_CTINV_NOLOG_TCP_NO_SYN,
				      0, 0, 0);         /* EMU */
		return false;
	} else {
		memset(&ct->proto.tcp, 0, sizeof(ct->proto.tcp));
		/* We are in the middle of a connection, its history is lost for us.  Let's try to
		 * use the data from the packet. */
		ct->proto.tcp.seen[0].td_end = segment_seq_plus_len(ntohl(th->seq), skb->len, dataoff, th);
		ct->proto.tcp.seen[0].td_maxwin = ntohs(th->window);
		if (ct->proto.tcp.seen[0].td_maxwin == 0)
			ct->proto.tcp.seen[0].td_maxwin = 1;
		ct->proto.tcp.seen[0].td_maxend =
			ct->proto.tcp.seen[0].td_end + ct->proto.tcp.seen[0].td_maxwin;
		/* We assume SACK and liberal window checking to handle window scaling */
		ct->proto.tcp.seen[0].flags = ct->proto.tcp.seen[1].flags =
			IP_CT_TCP_FLAG_SACK_PERM | IP_CT_TCP_FLAG_BE_LIBERAL;
	}

	/* tcp_packet will set them */
	ct->proto.tcp.last_index = TCP_NONE_SET;
	return true;
}

static bool tcp_can_early_drop(const struct nf_conn *ct)
{
	switch (ct->proto.tcp.state) {
	case TCP_CONNTRACK_FIN_WAIT:
	case TCP_CONNTRACK_LAST_ACK:
	case TCP_CONNTRACK_TIME_WAIT:
	case TCP_CONNTRACK_CLOSE:
	case TCP_CONNTRACK_CLOSE_WAIT:
		return true;
	default:
		break;
	}
	return false;
}

void nf_conntrack_tcp_set_closing(struct nf_conn *ct)
{
	unsigned int timeouts_buf[TCP_CONNTRACK_TIMEOUT_MAX];
	const unsigned int *timeouts;
	enum tcp_conntrack old_state;

	if (!nf_ct_is_confirmed(ct))
		return;
	old_state = ct->proto.tcp.state;
	ct->proto.tcp.state = TCP_CONNTRACK_CLOSE;
	if (old_state == TCP_CONNTRACK_CLOSE || (ct->status & IPS_FIXED_TIMEOUT))
		return;
	timeouts = nf_ct_timeout_lookup(ct);
	if (!timeouts) {
		nf_tcp_timeouts(nf_ct_net(ct), timeouts_buf);
		timeouts = timeouts_buf;
	}
	ct->timeout = timeouts[TCP_CONNTRACK_CLOSE] + nfct_time_stamp(nf_ct_net(ct));
	nf_conntrack_event_cache(IPCT_PROTOINFO, ct);
}

static void nf_ct_tcp_state_reset(struct ip_ct_tcp_state *state)
{
	state->td_end = 0;
	state->td_maxend = 0;
	state->td_maxwin = 0;
	state->td_maxack = 0;
	state->td_scale = 0;
	state->flags &= IP_CT_TCP_FLAG_BE_LIBERAL;
}

static bool nf_conntrack_tcp_established(const struct nf_conn *ct)
{
	return ct->proto.tcp.state == TCP_CONNTRACK_ESTABLISHED && (ct->status & IPS_ASSURED);
}

/* Returns verdict for packet, or -1 for invalid. */
int nf_conntrack_tcp_packet(struct nf_conn *ct, struct sk_buff *skb, unsigned int dataoff,
			    enum ip_conntrack_info ctinfo, const struct nf_hook_state *state)
{
	unsigned int timeouts_buf[TCP_CONNTRACK_TIMEOUT_MAX];
	const struct netns_nf_ct_sysctl *tn = nf_ct_sysctl(nf_ct_net(ct));
	enum tcp_conntrack new_state, old_state;
	struct nf_tcp_invalid_log log = {};
	const unsigned int *timeouts;
	bool lowered_timeout = false;
	enum nf_ct_tcp_action res;
	enum ip_conntrack_dir dir;
	const struct tcphdr *th;
	unsigned long timeout;
	unsigned int index;

	th = skb_header_pointer(skb, (int)dataoff, sizeof(struct tcphdr), NULL);
	if (th == NULL) {
		nf_ct_observe_invalid(state->net, skb, ct, IPPROTO_TCP, NFEMU_CTINV_NOLOG_TCP_SHORT,
				      0, 0, 0);         /* EMU */
		return -NF_ACCEPT;
	}
	if (tcp_error(th, skb, dataoff, state))
		return -NF_ACCEPT;
	if (!nf_ct_is_confirmed(ct) && !tcp_new(ct, skb, dataoff, th, state))
		return -NF_ACCEPT;

	old_state = ct->proto.tcp.state;
	dir = CTINFO2DIR(ctinfo);
	index = get_conntrack_index(th);
	new_state = tcp_conntracks[dir][index][old_state];

	switch (new_state) {
	case TCP_CONNTRACK_SYN_SENT:
		if (old_state < TCP_CONNTRACK_TIME_WAIT)
			break;
		/* RFC 1122: "When a connection is closed actively, it MUST linger in TIME-WAIT
		 * state for a time 2xMSL (Maximum Segment Lifetime).  However, it MAY accept a new
		 * SYN from the remote TCP to reopen the connection directly from TIME-WAIT
		 * state, if..."  We ignore the conditions because we are in the TIME-WAIT state
		 * anyway.  Handle aborted connections: we and the server think there is an
		 * existing connection but the client aborts it and starts a new one. */
		if (((ct->proto.tcp.seen[dir].flags | ct->proto.tcp.seen[!dir].flags) &
		     IP_CT_TCP_FLAG_CLOSE_INIT) ||
		    (ct->proto.tcp.last_dir == dir && ct->proto.tcp.last_index == TCP_RST_SET)) {
			/* Attempt to reopen a closed/aborted connection.  Delete this connection
			 * and look up again. */
			struct net *net = nf_ct_net(ct);
			const char *old = net->ct.emu_destroy_why;
			bool killed;

			net->ct.emu_destroy_why = "reopened by a SYN";
			killed = nf_ct_kill(ct);
			net->ct.emu_destroy_why = old;
			if (killed)
				return -NF_REPEAT;
			return NF_DROP;
		}
		/* fallthrough */
	case TCP_CONNTRACK_IGNORE:
		/* Ignored packets: our connection entry may be out of sync, so ignore packets
		 * which may signal the real connection between the client and the server:
		 * a) SYN in ORIGINAL  b) SYN/ACK in REPLY  c) ACK in reply direction after
		 * initial SYN in original.  If the ignored packet is invalid, the receiver will
		 * send a RST we'll catch below. */
		if (index == TCP_SYNACK_SET && ct->proto.tcp.last_index == TCP_SYN_SET &&
		    ct->proto.tcp.last_dir != dir && ntohl(th->ack_seq) == ct->proto.tcp.last_end) {
			/* b) This SYN/ACK acknowledges a SYN that we earlier ignored as invalid.
			 * This means that the client and the server are both in sync, while the
			 * firewall is not.  We get in sync from the previously annotated values. */
			old_state = TCP_CONNTRACK_SYN_SENT;
			new_state = TCP_CONNTRACK_SYN_RECV;
			ct->proto.tcp.seen[ct->proto.tcp.last_dir].td_end = ct->proto.tcp.last_end;
			ct->proto.tcp.seen[ct->proto.tcp.last_dir].td_maxend = ct->proto.tcp.last_end;
			ct->proto.tcp.seen[ct->proto.tcp.last_dir].td_maxwin =
				ct->proto.tcp.last_win == 0 ? 1 : ct->proto.tcp.last_win;
			ct->proto.tcp.seen[ct->proto.tcp.last_dir].td_scale = ct->proto.tcp.last_wscale;
			ct->proto.tcp.last_flags &= ~IP_CT_EXP_CHALLENGE_ACK;
			ct->proto.tcp.seen[ct->proto.tcp.last_dir].flags = ct->proto.tcp.last_flags;
			nf_ct_tcp_state_reset(&ct->proto.tcp.seen[dir]);
			break;
		}
		ct->proto.tcp.last_index = (u8)index;
		ct->proto.tcp.last_dir = (u8)dir;
		ct->proto.tcp.last_seq = ntohl(th->seq);
		ct->proto.tcp.last_end = segment_seq_plus_len(ntohl(th->seq), skb->len, dataoff, th);
		ct->proto.tcp.last_win = ntohs(th->window);

		/* a) This is a SYN in ORIGINAL.  The client and the server may be in sync but we
		 * are not.  In that case, we annotate the TCP options and let the packet go
		 * through.  If it is a valid SYN packet, the server will reply with a SYN/ACK,
		 * and then we'll get in sync.  Otherwise, the server potentially responds with a
		 * challenge ACK if implementing RFC5961. */
		if (index == TCP_SYN_SET && dir == IP_CT_DIR_ORIGINAL) {
			struct ip_ct_tcp_state seen = {};

			ct->proto.tcp.last_flags = ct->proto.tcp.last_wscale = 0;
			tcp_options(skb, dataoff, th, &seen);
			if (seen.flags & IP_CT_TCP_FLAG_WINDOW_SCALE) {
				ct->proto.tcp.last_flags |= IP_CT_TCP_FLAG_WINDOW_SCALE;
				ct->proto.tcp.last_wscale = seen.td_scale;
			}
			if (seen.flags & IP_CT_TCP_FLAG_SACK_PERM)
				ct->proto.tcp.last_flags |= IP_CT_TCP_FLAG_SACK_PERM;
			/* Mark the potential for RFC5961 challenge ACK, this pose a special
			 * problem for LAST_ACK state as ACK is intrepretated as ACKing last FIN. */
			if (old_state == TCP_CONNTRACK_LAST_ACK)
				ct->proto.tcp.last_flags |= IP_CT_EXP_CHALLENGE_ACK;
		}

		/* possible challenge ack reply to syn */
		if (old_state == TCP_CONNTRACK_SYN_SENT && index == TCP_ACK_SET &&
		    dir == IP_CT_DIR_REPLY)
			ct->proto.tcp.last_ack = ntohl(th->ack_seq);

		nf_ct_observe_invalid(nf_ct_net(ct), skb, ct, IPPROTO_TCP, NFEMU_CTINV_TCP_IGNORED,
				      index, dir, old_state);   /* EMU */
		nf_ct_l4proto_log_invalid(skb, ct, state, "packet (index %u) in dir %d ignored, state %s",
					  index, dir, tcp_conntrack_names[old_state]);
		return NF_ACCEPT;
	case TCP_CONNTRACK_MAX:
		/* Special case for SYN proxy (nfct_synproxy): EMU no SYN proxy. */
		/* Invalid packet */
		nf_ct_observe_invalid(nf_ct_net(ct), skb, ct, IPPROTO_TCP, NFEMU_CTINV_TCP_STATE,
				      index, dir, old_state);   /* EMU */
		nf_ct_l4proto_log_invalid(skb, ct, state, "packet (index %u) in dir %d invalid, state %s",
					  index, dir, tcp_conntrack_names[old_state]);
		return -NF_ACCEPT;
	case TCP_CONNTRACK_TIME_WAIT:
		/* RFC5961 compliance cause stack to send "challenge-ACK" e.g. in response to
		 * spurious SYNs.  Conntrack MUST not believe this ACK is acking last FIN. */
		if (old_state == TCP_CONNTRACK_LAST_ACK && index == TCP_ACK_SET &&
		    ct->proto.tcp.last_dir != dir && ct->proto.tcp.last_index == TCP_SYN_SET &&
		    (ct->proto.tcp.last_flags & IP_CT_EXP_CHALLENGE_ACK)) {
			/* Detected RFC5961 challenge ACK */
			ct->proto.tcp.last_flags &= ~IP_CT_EXP_CHALLENGE_ACK;
			nf_ct_observe_invalid(nf_ct_net(ct), skb, ct, IPPROTO_TCP,
					      NFEMU_CTINV_TCP_CHALLENGE_ACK, 0, 0, 0);      /* EMU */
			nf_ct_l4proto_log_invalid(skb, ct, state, "challenge-ack ignored");
			return NF_ACCEPT;       /* Don't change state */
		}
		break;
	case TCP_CONNTRACK_SYN_SENT2:
		/* tcp_conntracks table is not smart enough to handle simultaneous open. */
		ct->proto.tcp.last_flags |= IP_CT_TCP_SIMULTANEOUS_OPEN;
		break;
	case TCP_CONNTRACK_SYN_RECV:
		if (dir == IP_CT_DIR_REPLY && index == TCP_ACK_SET &&
		    ct->proto.tcp.last_flags & IP_CT_TCP_SIMULTANEOUS_OPEN)
			new_state = TCP_CONNTRACK_ESTABLISHED;
		break;
	case TCP_CONNTRACK_CLOSE:
		if (index != TCP_RST_SET)
			break;
		/* If we are closing, tuple might have been re-used already.  last_index,
		 * last_ack, and all other ct fields used for sequence/window validation are
		 * outdated in that case.  As the conntrack can already be expired by GC under
		 * pressure, just skip validation checks. */
		if (tcp_can_early_drop(ct))
			goto in_window;

		/* td_maxack might be outdated if we let a SYN through earlier */
		if ((ct->proto.tcp.seen[!dir].flags & IP_CT_TCP_FLAG_MAXACK_SET) &&
		    ct->proto.tcp.last_index != TCP_SYN_SET) {
			u32 seq = ntohl(th->seq);

			/* If we are not in established state and SEQ=0 this is most likely an
			 * answer to a SYN we let go through above (last_index can be updated due
			 * to out-of-order ACKs). */
			if (seq == 0 && !nf_conntrack_tcp_established(ct))
				break;

			if (before(seq, ct->proto.tcp.seen[!dir].td_maxack) &&
			    !tn->tcp_ignore_invalid_rst) {
				/* Invalid RST  */
				nf_ct_observe_invalid(nf_ct_net(ct), skb, ct, IPPROTO_TCP,
						      NFEMU_CTINV_TCP_RST, 0, 0, 0);        /* EMU */
				nf_ct_l4proto_log_invalid(skb, ct, state, "invalid rst");
				return -NF_ACCEPT;
			}

			if (!nf_conntrack_tcp_established(ct) ||
			    seq == ct->proto.tcp.seen[!dir].td_maxack)
				break;

			/* Check if rst is part of train, such as
			 *   foo:80 > bar:4379: P, 235946583:235946602(19) ack 42
			 *   foo:80 > bar:4379: R, 235946602:235946602(0)  ack 42 */
			if (ct->proto.tcp.last_index == TCP_ACK_SET && ct->proto.tcp.last_dir == dir &&
			    seq == ct->proto.tcp.last_end)
				break;

			/* ... RST sequence number doesn't match exactly, keep established state
			 * to allow a possible challenge ACK. */
			new_state = old_state;
		}
		if ((((ct->status & IPS_SEEN_REPLY) && ct->proto.tcp.last_index == TCP_SYN_SET &&
		      ct->proto.tcp.last_dir != dir) ||
		     (!(ct->status & IPS_ASSURED) && ct->proto.tcp.last_index == TCP_ACK_SET)) &&
		    ntohl(th->ack_seq) == ct->proto.tcp.last_end) {
			/* RST sent to invalid SYN or ACK we had let through at a) and c) above:
			 * a) SYN was in window then  c) we hold a half-open connection.  Delete our
			 * connection entry.  We skip window checking, because packet might ACK
			 * segments we ignored. */
			goto in_window;
		}

		/* Reset in response to a challenge-ack we let through earlier */
		if (old_state == TCP_CONNTRACK_SYN_SENT && ct->proto.tcp.last_index == TCP_ACK_SET &&
		    ct->proto.tcp.last_dir == IP_CT_DIR_REPLY &&
		    ntohl(th->seq) == ct->proto.tcp.last_ack)
			goto in_window;
		break;
	default:
		/* Keep compilers happy. */
		break;
	}

	res = tcp_in_window(ct, dir, index, skb, dataoff, th, &log);
	switch (res) {
	case NFCT_TCP_IGNORE:
		nf_tcp_log_invalid(skb, ct, state, &log);
		return NF_ACCEPT;
	case NFCT_TCP_INVALID:
		lowered_timeout = nf_tcp_handle_invalid(ct, dir, index);
		nf_tcp_log_invalid(skb, ct, state, &log);
		if (lowered_timeout) {
			nf_ct_observe_invalid(nf_ct_net(ct), skb, ct, IPPROTO_TCP,
					      NFEMU_CTINV_TCP_LOWERED_TIMEOUT, 0, 0, 0);    /* EMU */
			nf_ct_l4proto_log_invalid(skb, ct, state, "lowered timeout to UNACK");
		}
		return -NF_ACCEPT;
	case NFCT_TCP_ACCEPT:
		break;
	}
in_window:
	/* From now on we have got in-window packets */
	ct->proto.tcp.last_index = (u8)index;
	ct->proto.tcp.last_dir = (u8)dir;

	ct->proto.tcp.state = (u8)new_state;
	if (old_state != new_state && new_state == TCP_CONNTRACK_FIN_WAIT)
		ct->proto.tcp.seen[dir].flags |= IP_CT_TCP_FLAG_CLOSE_INIT;

	timeouts = nf_ct_timeout_lookup(ct);
	if (!timeouts) {
		nf_tcp_timeouts(nf_ct_net(ct), timeouts_buf);
		timeouts = timeouts_buf;
	}

	if (ct->proto.tcp.retrans >= tn->tcp_max_retrans &&
	    timeouts[new_state] > timeouts[TCP_CONNTRACK_RETRANS])
		timeout = timeouts[TCP_CONNTRACK_RETRANS];
	else if (index == TCP_RST_SET && new_state == TCP_CONNTRACK_ESTABLISHED &&
		 timeouts[new_state] > timeouts[TCP_CONNTRACK_UNACK])
		timeout = timeouts[TCP_CONNTRACK_UNACK];
	else if ((ct->proto.tcp.seen[0].flags | ct->proto.tcp.seen[1].flags) &
		 IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED &&
		 timeouts[new_state] > timeouts[TCP_CONNTRACK_UNACK])
		timeout = timeouts[TCP_CONNTRACK_UNACK];
	else if (ct->proto.tcp.last_win == 0 && timeouts[new_state] > timeouts[TCP_CONNTRACK_RETRANS])
		timeout = timeouts[TCP_CONNTRACK_RETRANS];
	else
		timeout = timeouts[new_state];

	if (new_state != old_state)
		nf_conntrack_event_cache(IPCT_PROTOINFO, ct);

	if (!(ct->status & IPS_SEEN_REPLY)) {
		/* If only reply is a RST, we can consider ourselves not to have an established
		 * connection: this is a fairly common problem case, so we can delete the
		 * conntrack immediately.  --RR */
		if (th->rst) {
			nf_ct_kill_acct(ct, ctinfo, skb);
			return NF_ACCEPT;
		}
		if (index == TCP_SYN_SET && old_state == TCP_CONNTRACK_SYN_SENT) {
			/* do not renew timeout on SYN retransmit.  Else port reuse by client or NAT
			 * middlebox can keep entry alive indefinitely (including nat info). */
			return NF_ACCEPT;
		}
		/* ESTABLISHED without SEEN_REPLY, i.e. mid-connection pickup with loose=1.
		 * Avoid large ESTABLISHED timeout. */
		if (new_state == TCP_CONNTRACK_ESTABLISHED && timeout > timeouts[TCP_CONNTRACK_UNACK])
			timeout = timeouts[TCP_CONNTRACK_UNACK];
	} else if (!(ct->status & IPS_ASSURED) &&
		   (old_state == TCP_CONNTRACK_SYN_RECV || old_state == TCP_CONNTRACK_ESTABLISHED) &&
		   new_state == TCP_CONNTRACK_ESTABLISHED) {
		/* Set ASSURED if we see valid ack in ESTABLISHED after SYN_RECV or a valid answer
		 * for a picked up connection. */
		ct->status |= IPS_ASSURED;
		nf_conntrack_event_cache(IPCT_ASSURED, ct);
	}
	nf_ct_refresh_acct(ct, ctinfo, skb, (u32)timeout);
	return NF_ACCEPT;
}

const struct nf_conntrack_l4proto nf_conntrack_l4proto_tcp = {
	.l4proto = IPPROTO_TCP,
	.can_early_drop = tcp_can_early_drop,
	.state_name = tcp_state_name,
};
