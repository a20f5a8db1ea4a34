/* hooks/nf_queue.c - NF_QUEUE: hand the packet to a user-space listener (net/netfilter/nf_queue.c).
 *
 * "QUEUE == DROP if no one is waiting, to be safe": with no listener on the queue the packet
 * is dropped, unless the verdict carries NF_VERDICT_FLAG_QUEUE_BYPASS (NFQUEUE
 * --queue-bypass), in which case it goes on to the next hook as if accepted.
 * EMU: nfemu has no user-space listeners, so every queue is unbound (-ESRCH), as on a host
 * where no program has opened the queue.
 */
#include <stdio.h>
#include "kernel/net.h"
#include "hooks/nf_queue.h"
#include "netstack/skbuff.h"

static int __nf_queue(struct sk_buff *skb, const struct nf_hook_state *state, unsigned int index,
		      unsigned int queuenum)
{
	(void)skb;
	(void)state;
	(void)index;
	(void)queuenum;
	return -ESRCH;          /* no listener bound to queuenum */
}

/* EMU: tell --explain what nf_queue did with the packet (binary; emu/explain_text.c words it). */
static void nf_queue_observe(struct sk_buff *skb, const struct nf_hook_state *state,
			     unsigned int verdict, int ret)
{
	struct nfemu_queue_event qe = {
		.hook = (u8)state->hook, .queuenum = (u16)(verdict >> NF_VERDICT_QBITS),
		.bypass = (verdict & NF_VERDICT_FLAG_QUEUE_BYPASS) != 0, .listener = ret != -ESRCH,
		.err = ret,
	};
	struct nfemu_event ev = { .type = NFEMU_EV_NF_QUEUE, .skb = skb, .queue = &qe };

	if (ret == 0)
		qe.verdict = NF_STOLEN;         /* the listener has it; nf_reinject brings it back */
	else if (ret == -ESRCH && qe.bypass)
		qe.verdict = NF_ACCEPT;         /* on to the next hook function */
	else
		qe.verdict = NF_DROP;
	nfemu_observe(state->net, &ev);
}

int nf_queue(struct sk_buff *skb, struct nf_hook_state *state, unsigned int index, unsigned int verdict)
{
	unsigned int queuenum = verdict >> NF_VERDICT_QBITS;
	int ret;

	ret = __nf_queue(skb, state, index, queuenum);
	if (state->net->observer.walk)
		nf_queue_observe(skb, state, verdict, ret);
	if (ret < 0) {
		struct nfemu_event ev = { .type = NFEMU_EV_NOTE, .skb = skb };
		char text[96];

		snprintf(text, sizeof(text), "nf_queue: no listener on queue %u: %s", queuenum,
			 (ret == -ESRCH && (verdict & NF_VERDICT_FLAG_QUEUE_BYPASS)) ? "bypassed" : "dropped");
		ev.text = text;
		nfemu_observe(state->net, &ev);
		if (ret == -ESRCH && (verdict & NF_VERDICT_FLAG_QUEUE_BYPASS))
			return 1;
		kfree_skb(skb);
	}
	return 0;
}
