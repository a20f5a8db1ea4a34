/* xtables/ext/xt_sctp.c - the "sctp" match: SCTP ports and chunk types.
 *
 * Mirrors net/netfilter/xt_sctp.c: the IPv4 registration, checkentry and the match (ports,
 * and any/all/only of the listed chunk types with flag conditions; hotdrop on a chunk
 * header cut short or of length 0).  Leaves out the IPv6 registration.
 */
#include <arpa/inet.h>
#include <linux/netfilter/xt_sctp.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_sctp: " fmt

/* Test `option` only when the rule asks (flag), inverted on request (invflag). */
#define SCCHECK(cond, option, flag, invflag) (!((flag) & (option)) \
					      || (!!((invflag) & (option)) ^ (cond)))

#define SCTP_PAD4(s) (((s) + 3) & ~3)

/* include/linux/sctp.h (not UAPI): the common header and a chunk header. */
struct sctphdr {
	__be16 source;
	__be16 dest;
	__be32 vtag;
	__le32 checksum;
};

struct sctp_chunkhdr {
	u8 type;
	u8 flags;
	__be16 length;
};

/* The flag condition for this chunk type, if the rule gives one. */
static bool match_flags(const struct xt_sctp_flag_info *flag_info, const int flag_count,
			u8 chunktype, u8 chunkflags)
{
	int i;

	for (i = 0; i < flag_count; i++)
		if (flag_info[i].chunktype == chunktype)
			return (chunkflags & flag_info[i].flag_mask) == flag_info[i].flag;

	return true;
}

static inline bool match_packet(const struct sk_buff *skb, unsigned int offset,
				const struct xt_sctp_info *info, bool *hotdrop)
{
	/* EMU: Linux copies the 32-byte chunk map into this 256-byte stack array and then
	 * tests all of it for zero, so "all" also depends on 224 uninitialised bytes (zero on
	 * the 6.18 test machine: "all" behaved); nfemu zeroes them. */
	u32 chunkmapcopy[256 / sizeof(u32)] = { 0 };
	const struct sctp_chunkhdr *sch;
	struct sctp_chunkhdr _sch;
	int chunk_match_type = info->chunk_match_type;
	const struct xt_sctp_flag_info *flag_info = info->flag_info;
	int flag_count = info->flag_count;

	if (chunk_match_type == SCTP_CHUNK_MATCH_ALL)
		SCTP_CHUNKMAP_COPY(chunkmapcopy, info->chunkmap);

	do {
		sch = skb_header_pointer(skb, offset, sizeof(_sch), &_sch);
		if (sch == NULL || sch->length == 0) {
			*hotdrop = true;
			return false;
		}
		offset += SCTP_PAD4(ntohs(sch->length));

		if (SCTP_CHUNKMAP_IS_SET(info->chunkmap, sch->type)) {
			switch (chunk_match_type) {
			case SCTP_CHUNK_MATCH_ANY:
				if (match_flags(flag_info, flag_count, sch->type, sch->flags))
					return true;
				break;

			case SCTP_CHUNK_MATCH_ALL:
				if (match_flags(flag_info, flag_count, sch->type, sch->flags))
					SCTP_CHUNKMAP_CLEAR(chunkmapcopy, sch->type);
				break;

			case SCTP_CHUNK_MATCH_ONLY:
				if (!match_flags(flag_info, flag_count, sch->type, sch->flags))
					return false;
				break;
			}
		} else {
			switch (chunk_match_type) {
			case SCTP_CHUNK_MATCH_ONLY:
				return false;
			}
		}
	} while (offset < skb->len);

	switch (chunk_match_type) {
	case SCTP_CHUNK_MATCH_ALL:
		return SCTP_CHUNKMAP_IS_CLEAR(chunkmapcopy);
	case SCTP_CHUNK_MATCH_ANY:
		return false;
	case SCTP_CHUNK_MATCH_ONLY:
		return true;
	}

	/* This will never be reached, but required to stop compiler whine */
	return false;
}

static bool sctp_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_sctp_info *info = par->matchinfo;
	const struct sctphdr *sh;
	struct sctphdr _sh;

	if (par->fragoff != 0)
		return false;

	sh = skb_header_pointer(skb, par->thoff, sizeof(_sh), &_sh);
	if (sh == NULL) {
		par->hotdrop = true;
		return false;
	}

	return  SCCHECK(ntohs(sh->source) >= info->spts[0] &&
			ntohs(sh->source) <= info->spts[1],
			XT_SCTP_SRC_PORTS, info->flags, info->invflags) &&
		SCCHECK(ntohs(sh->dest) >= info->dpts[0] &&
			ntohs(sh->dest) <= info->dpts[1],
			XT_SCTP_DEST_PORTS, info->flags, info->invflags) &&
		SCCHECK(match_packet(skb, par->thoff + sizeof(_sh), info, &par->hotdrop),
			XT_SCTP_CHUNK_TYPES, info->flags, info->invflags);
}

static int sctp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_sctp_info *info = par->matchinfo;
	const char *why;

	/* flag_count is an int: a negative count is refused too, as in C it converts to a
	 * huge size_t in the kernel's comparison. */
	if ((size_t)info->flag_count > ARRAY_SIZE(info->flag_info))
		why = "flag_count too large";
	else if (info->flags & ~XT_SCTP_VALID_FLAGS)
		why = "unknown flags";
	else if (info->invflags & ~XT_SCTP_VALID_FLAGS)
		why = "unknown invflags";
	else if (info->invflags & ~info->flags)
		why = "invflags outside flags";
	else if (!(info->flags & XT_SCTP_CHUNK_TYPES))
		return 0;
	else if (info->chunk_match_type & (SCTP_CHUNK_MATCH_ALL |
		 SCTP_CHUNK_MATCH_ANY | SCTP_CHUNK_MATCH_ONLY))
		return 0;
	else
		why = "no chunk match type";
	/* EMU: the kernel refuses silently; say why at debug level. */
	pr_debug(par->net, pr_fmt("%s\n"), why);
	return -EINVAL;
}

static const struct xt_match sctp_mt_reg[] = {
	{
		.name		= "sctp",
		.family		= NFPROTO_IPV4,
		.checkentry	= sctp_mt_check,
		.match		= sctp_mt,
		.matchsize	= sizeof(struct xt_sctp_info),
		.proto		= IPPROTO_SCTP,
	},
};

static int sctp_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, sctp_mt_reg, ARRAY_SIZE(sctp_mt_reg));
}

static void sctp_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, sctp_mt_reg, ARRAY_SIZE(sctp_mt_reg));
}

const struct module_info module_info_xt_sctp = {
	.name = "xt_sctp",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_sctp", "ip6t_sctp"),
	.init = sctp_mt_init,
	.exit = sctp_mt_exit,
};
