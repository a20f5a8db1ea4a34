/* xtables/ext/xt_esp.c - the "esp" match: IPsec ESP SPI ranges.
 *
 * Mirrors net/netfilter/xt_esp.c: the IPv4 registration and checkentry (unknown inversion
 * flags are refused with EINVAL); -p esp is enforced by xt_check_match through .proto.
 * The match tests the SPI of the ESP header against a range; non-first fragments never
 * match, a header cut short is hotdropped.  Leaves out the IPv6 registration.
 */
#include <arpa/inet.h>
#include <linux/ip.h>
#include <linux/netfilter/xt_esp.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_esp: " fmt

/* Is spi in [min, max], inverted on request? */
static inline bool spi_match(u32 min, u32 max, u32 spi, bool invert)
{
	return (spi >= min && spi <= max) ^ invert;
}

static bool esp_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_esp *espinfo = par->matchinfo;
	const struct ip_esp_hdr *eh;
	struct ip_esp_hdr _esp;

	/* Must not be a fragment. */
	if (par->fragoff != 0)
		return false;

	eh = skb_header_pointer(skb, par->thoff, sizeof(_esp), &_esp);
	if (eh == NULL) {
		/* Asked to examine a packet it cannot: drop. */
		par->hotdrop = true;
		return false;
	}

	return spi_match(espinfo->spis[0], espinfo->spis[1], ntohl(eh->spi),
			 !!(espinfo->invflags & XT_ESP_INV_SPI));
}

static int esp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_esp *espinfo = par->matchinfo;

	if (espinfo->invflags & ~XT_ESP_INV_MASK) {
		pr_debug(par->net, pr_fmt("unknown flags %X\n"), espinfo->invflags);
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match esp_mt_reg[] = {
	{
		.name		= "esp",
		.family		= NFPROTO_IPV4,
		.checkentry	= esp_mt_check,
		.match		= esp_mt,
		.matchsize	= sizeof(struct xt_esp),
		.proto		= IPPROTO_ESP,
	},
};

static int esp_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, esp_mt_reg, ARRAY_SIZE(esp_mt_reg));
}

static void esp_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, esp_mt_reg, ARRAY_SIZE(esp_mt_reg));
}

const struct module_info module_info_xt_esp = {
	.name = "xt_esp",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_esp", "ip6t_esp"),
	.init = esp_mt_init,
	.exit = esp_mt_exit,
};
