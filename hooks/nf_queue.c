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

int nf_queue(struct sk_buff *skb, struct nf_hook_state *state, unsigned int index, unsigned int verdict)
{
	unsigned int queuenum = verdict >> NF_VERDICT_QBITS;
	int ret;

	ret = __nf_queue(skb, state, index, queuenum);
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
