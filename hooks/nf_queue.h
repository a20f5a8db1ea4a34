/* hooks/nf_queue.h - handing packets to user space (net/netfilter/nf_queue.c). */
#ifndef NFEMU_HOOKS_NF_QUEUE_H
#define NFEMU_HOOKS_NF_QUEUE_H

struct sk_buff;
struct nf_hook_state;

/* 1: continue with the next hook (bypass), 0: the packet was taken (queued or dropped). */
int nf_queue(struct sk_buff *skb, struct nf_hook_state *state, unsigned int index, unsigned int verdict);

#endif
