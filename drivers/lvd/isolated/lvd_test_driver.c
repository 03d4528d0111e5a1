// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's test driver. Its Kconfig option LVD_TEST_DRIVER_LVD_ISOLATED builds
 * it to run isolated in an LVD domain; nothing in this file knows that. It
 * registers with its kernel side (lvd_test_host.c) through glue, and does
 * what that side asks: ordinary work, misuse of its glue, and the attacks
 * of the isolation selftests (Documentation/virt/lvd/security.rst), each one
 * really executed here.
 */

#define pr_fmt(fmt) "lvd_test_driver: " fmt

#include <linux/bitmap.h>
#include <linux/bottom_half.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <lvd/test_driver.h>
#if IS_ENABLED(CONFIG_NET)
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#endif

static long lvd_td_handle;
static unsigned long lvd_td_calls;
static u8 lvd_td_buf[64];
static u8 lvd_td_large[1000];
static const char lvd_td_name[] = "isolated";
/* Code-like bytes in its data: RET */
static u8 lvd_td_data_code[16] = { 0xc3 };

/* Its locks: static ones, and some in a structure on its heap */
static DEFINE_MUTEX(lvd_td_mutex);
static DEFINE_MUTEX(lvd_td_held);
static unsigned long lvd_td_mutex_count;
static struct lvd_td_locks {
	spinlock_t lock;	/* protects count */
	struct mutex mutex;	/* held by the act that returns with it */
	struct completion done;
	unsigned long count;
} *lvd_td_locks;

/* Its timers and work items, in its heap, and what became of them */
static struct lvd_td_timers {
	struct hrtimer hr;
	struct hrtimer spare;		/* never set up */
	struct hrtimer race;		/* started and cancelled by two tasks */
	struct timer_list timer;
	struct timer_list spare_timer;	/* never set up */
	struct work_struct work;
	struct work_struct spare_work;	/* never queued */
	struct delayed_work dwork;
	struct lvd_test_timer_counts counts;
	unsigned long hr_limit;		/* the count its hrtimer stops at */
	unsigned long hr_how;		/* an act its callback does */
	unsigned long work_ms;		/* how long its work sleeps */
	unsigned long race_fired;
} *lvd_td_timers;

/* The legal acts, and misuse of the glue that the glue must refuse */
static long lvd_td_work(unsigned long act, unsigned long arg);

static const struct lvd_test_driver_ops lvd_td_ops = {
	.act = lvd_td_work,
};

static long lvd_td_glue_misuse(unsigned long act, unsigned long arg)
{
	struct lvd_test_driver_ops forged = {
		.act = (long (*)(unsigned long, unsigned long))arg,
	};
	long old = lvd_td_handle, ret;

	switch (act) {
	case LVD_TEST_ACT_REENTER:
		return lvd_test_driver_register(&lvd_td_ops);
	case LVD_TEST_ACT_STALE_HANDLE:
		ret = lvd_test_driver_unregister(old);
		if (ret)
			return ret;
		lvd_td_handle = lvd_test_driver_register(&lvd_td_ops);
		return lvd_test_driver_sum(old, lvd_td_buf, sizeof(lvd_td_buf));
	case LVD_TEST_ACT_FORGED_HANDLE:
		return lvd_test_driver_sum(arg, lvd_td_buf, sizeof(lvd_td_buf));
	case LVD_TEST_ACT_FORGED_OPS:
		return lvd_test_driver_register(&forged);
	default: /* LVD_TEST_ACT_SUM_KERNEL */
		return lvd_test_driver_sum(lvd_td_handle, (const void *)arg, 64);
	}
}

/*
 * A zeroed piece of constant size (the slab's inline path) and one of
 * @len bytes: 1000 if the first is zeroed, plus the sum of the second's
 * bytes once set to 1. The second, freed, is where the next one goes.
 */
static long lvd_td_alloc(unsigned long len)
{
	struct { u64 w[12]; } *z = kzalloc(sizeof(*z), GFP_KERNEL);
	u8 *p = kmalloc(len, GFP_KERNEL);
	long ret = 0;
	void *again;
	size_t i;

	if (!z || !p) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(z->w) && !z->w[i]; i++)
		;
	ret = i == ARRAY_SIZE(z->w) ? 1000 : 0;
	memset(p, 1, len);
	for (i = 0; i < len; i++)
		ret += p[i];
	kfree(p);
	again = kmalloc(len, GFP_KERNEL);
	if (again != p)
		ret = -EADDRINUSE;
	p = again;
out:
	kfree(p);
	kfree(z);
	return ret;
}

/* How many 4 KiB pieces the heap holds; all freed again */
static long lvd_td_heap_full(void)
{
	static void *pieces[512];
	long n, i;

	for (n = 0; n < ARRAY_SIZE(pieces); n++) {
		pieces[n] = kmalloc(4096, GFP_KERNEL);
		if (!pieces[n])
			break;
	}
	for (i = 0; i < n; i++)
		kfree(pieces[i]);
	return n;
}

/* Frees what it was never given: the glue ignores each */
static long lvd_td_bad_free(unsigned long arg)
{
	u8 *p = kmalloc(64, GFP_KERNEL);

	kfree((void *)arg);		/* kernel memory */
	kfree(p + 16);			/* inside a piece */
	kfree(p);
	kfree(p);			/* twice */
	return p ? 0 : -ENOMEM;
}

/* Breaks the rule @act names: none of these returns */
static long lvd_td_attack(unsigned long act, unsigned long arg);
static bool lvd_td_jiffies_move(unsigned long ticks);

/*
 * Makes the kernel work without end through legal calls, or reads what
 * UMIP keeps from CPL 3 (where the CPU has UMIP, that stops it too)
 */
static long lvd_td_exhaust(unsigned long act, unsigned long arg)
{
	struct { u16 limit; u64 base; } __packed table;
	unsigned long v = 0;

	switch (act) {
	case LVD_TEST_ACT_KCALL_LOOP:
		for (;;)
			kfree(NULL);
	case LVD_TEST_ACT_RECURSE:
		return lvd_test_driver_call_back(lvd_td_handle, arg + 1);
	case LVD_TEST_ACT_BUSY:
		return lvd_td_jiffies_move(arg);
	case LVD_TEST_ACT_SLOW_KCALL:
		for (v = 0; v < arg; v++)
			if (lvd_test_driver_busy(lvd_td_handle, 300))
				break;
		return v;
	case LVD_TEST_ACT_SGDT:
		asm volatile("sgdt %0" : "=m" (table));
		return table.base;
	case LVD_TEST_ACT_SIDT:
		asm volatile("sidt %0" : "=m" (table));
		return table.base;
	case LVD_TEST_ACT_STR:
		asm volatile("str %0" : "=r" (v));
		return v;
	case LVD_TEST_ACT_SMSW:
		asm volatile("smsw %0" : "=r" (v));
		return v;
	}
	return -EINVAL;
}

#if IS_ENABLED(CONFIG_NET)
/* Kernel memory (the direct map's second page), as a forged pointer */
#define LVD_TD_KERNEL_PTR	((void *)(PAGE_OFFSET + PAGE_SIZE))

static netdev_tx_t lvd_td_net_xmit(struct sk_buff *skb, struct net_device *dev)
{
	consume_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops lvd_td_net_ops = {
	.ndo_start_xmit = lvd_td_net_xmit,
};

/* A device set up with ops it could run, and an address type none has */
static void lvd_td_net_bad_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &lvd_td_net_ops;
	dev->addr_assign_type = 9;
}

/* Register a device set up with a field out of bounds: refused */
static long lvd_td_net_bad_field(void)
{
	struct net_device *dev;
	long err;

	dev = alloc_netdev(0, "lvdbad%d", NET_NAME_ENUM, lvd_td_net_bad_setup);
	if (!dev)
		return -ENOMEM;
	rtnl_lock();
	err = register_netdevice(dev);
	rtnl_unlock();
	if (!err)
		return 1;	/* registered: the field was not refused */
	free_netdev(dev);
	return err;
}

/*
 * The netdev glue asked (@which) to act on what the driver does not hold:
 * a device or a packet in kernel memory or in its own data, a lock it
 * does not hold, a lock it may not take. Each is refused and the domain
 * goes on; register_netdevice() of a forged device fails, and of a device
 * set up with a field out of bounds (8) too. One a call: a refusal is
 * logged, which takes its time on a slow console.
 */
static long lvd_td_net_misuse(unsigned long which)
{
	struct net_device *forged = LVD_TD_KERNEL_PTR;
	u64 packets, bytes;

	switch (which) {
	case 0:
		consume_skb(LVD_TD_KERNEL_PTR);
		break;
	case 1:
		consume_skb((struct sk_buff *)lvd_td_buf);
		break;
	case 2:
		free_netdev(forged);
		break;
	case 3:
		netif_carrier_on(forged);
		dev_lstats_read(forged, &packets, &bytes);
		ether_setup((struct net_device *)lvd_td_large);
		break;
	case 4:
		rtnl_unlock();
		break;
	case 5:
		up_write(&pernet_ops_rwsem);
		break;
	case 6:
		down_write(LVD_TD_KERNEL_PTR);
		break;
	case 8:
		return lvd_td_net_bad_field();
	default:
		return register_netdevice(forged);
	}
	return 0;
}

/* A device with a NAPI context whose poll breaks NAPI's rules */
struct lvd_td_napi {
	struct napi_struct napi;
	struct napi_struct other;	/* never added */
	unsigned int polls;
	bool put;			/* skb_put() past the end gave room */
};

/*
 * The first poll hands the kernel a packet of kernel memory, grows one of
 * its own past its buffer, completes a context it is not polling and
 * reports 100 packets more than its budget; the second completes and
 * reports its whole budget; the third, if the kernel polls again, is
 * quiet.
 */
static int lvd_td_napi_poll(struct napi_struct *napi, int budget)
{
	struct lvd_td_napi *p = container_of(napi, struct lvd_td_napi, napi);
	struct sk_buff *skb;

	switch (p->polls++) {
	case 0:
		napi_gro_receive(napi, LVD_TD_KERNEL_PTR);
		skb = napi_alloc_skb(napi, 64);
		if (skb) {
			p->put = skb_put(skb, 8 * PAGE_SIZE);
			consume_skb(skb);
		}
		napi_complete_done(&p->other, 0);
		return budget + 100;
	case 1:
		napi_complete_done(napi, 0);
		return budget;
	}
	return 0;
}

/*
 * NAPI misuse: contexts added on a forged device, in kernel memory and
 * twice, completed outside a poll, scheduled without a prep; then a
 * context that is polled for real with the poll above, while this waits.
 * Returns the polls seen (at least 2), plus 100 if skb_put() gave room.
 */
static long lvd_td_net_napi(void)
{
	struct net_device *dev;
	struct lvd_td_napi *p;
	long ret = -ETIMEDOUT;
	int i;

	dev = alloc_etherdev(sizeof(*p));
	if (!dev)
		return -ENOMEM;
	p = netdev_priv(dev);
	dev->netdev_ops = &lvd_td_net_ops;
	ret = register_netdev(dev);
	if (ret) {
		free_netdev(dev);
		return ret;
	}
	netif_napi_add(LVD_TD_KERNEL_PTR, &p->napi, lvd_td_napi_poll);
	netif_napi_add(dev, LVD_TD_KERNEL_PTR, lvd_td_napi_poll);
	netif_napi_add(dev, &p->napi, lvd_td_napi_poll);
	netif_napi_add(dev, &p->napi, lvd_td_napi_poll);
	napi_complete_done(&p->napi, 0);
	__napi_schedule(&p->napi);
	napi_enable(&p->napi);
	napi_schedule(&p->napi);
	for (i = 0; i < 200 && READ_ONCE(p->polls) < 2; i++)
		usleep_range(10000, 20000);
	napi_disable(&p->napi);
	ret = p->polls + (p->put ? 100 : 0);
	unregister_netdev(dev);
	free_netdev(dev);
	return ret;
}

/* rtnl_lock() as drivers misuse it; none of these may hang the kernel */
static long lvd_td_net_rtnl(unsigned long act)
{
	rtnl_lock();
	if (act == LVD_TEST_ACT_NET_RTNL_HOLD)
		return 0;
	rtnl_lock();
	rtnl_unlock();
	rtnl_unlock();
	return 0;
}
#else
static long lvd_td_net_misuse(unsigned long arg)
{
	return -EOPNOTSUPP;
}

static long lvd_td_net_rtnl(unsigned long act)
{
	return -EOPNOTSUPP;
}

static long lvd_td_net_napi(void)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * Counters incremented under its locks, a read and a write apart: a
 * sleep under the mutex, a busy wait under the spinlock. Two tasks doing
 * it at once end with exact counts.
 */
static long lvd_td_lock_count(unsigned long n)
{
	struct lvd_td_locks *l = lvd_td_locks;
	unsigned long i, v, flags;

	for (i = 0; i < n; i++) {
		mutex_lock(&lvd_td_mutex);
		v = lvd_td_mutex_count;
		if (!(i % 16))
			usleep_range(1000, 2000);
		lvd_td_mutex_count = v + 1;
		mutex_unlock(&lvd_td_mutex);
		spin_lock_irqsave(&l->lock, flags);
		v = l->count;
		ndelay(200);
		l->count = v + 1;
		spin_unlock_irqrestore(&l->lock, flags);
	}
	return 0;
}

/*
 * Could it take @lock? It gives it back if so. What spin_trylock() calls,
 * called as is: sparse takes spin_trylock() in a helper for an imbalance.
 */
static int lvd_td_spin_try(spinlock_t *lock)
{
	if (!_raw_spin_trylock(&lock->rlock))
		return 0;
	__acquire(&lock->rlock);
	raw_spin_unlock(&lock->rlock);
	return 1;
}

/* Misuse of its own locks: each refused, its locks work on (0) */
/*
 * Part @part of the misuse (0 to 2): a few refusals a call, each logged,
 * which takes its time on a slow console. 0 when all were refused.
 */
static long lvd_td_lock_misuse(unsigned long part)
{
	void *kernel = (void *)(PAGE_OFFSET + PAGE_SIZE);	/* kernel memory */
	struct lvd_td_locks *l = lvd_td_locks;
	long r = 0;

	switch (part) {
	case 0:
		spin_lock(&l->lock);
		spin_unlock(&l->lock);
		__acquire(&l->lock);	/* for sparse: it does not hold it */
		spin_unlock(&l->lock);				/* twice */
		mutex_unlock(&lvd_td_mutex);			/* not held */
		r |= mutex_trylock((struct mutex *)kernel);
		r |= lvd_td_spin_try((spinlock_t *)kernel) << 1;
		break;
	case 1:
		spin_lock((spinlock_t *)kernel);
		spin_unlock((spinlock_t *)kernel);
		mutex_lock((struct mutex *)kernel);
		complete((struct completion *)kernel);
		break;
	default:
		r |= mutex_trylock((struct mutex *)lvd_td_name) << 2;	/* rodata */
		r |= mutex_trylock((struct mutex *)0x1000) << 3;	/* forged */
		r |= !mutex_trylock(&lvd_td_mutex) << 4;
		mutex_unlock(&lvd_td_mutex);
		r |= !lvd_td_spin_try(&l->lock) << 5;
	}
	return r;
}

/* Do jiffies move while it spins @ticks of the TSC? */
static bool lvd_td_jiffies_move(unsigned long ticks)
{
	unsigned long start = jiffies;
	u32 lo, hi;
	u64 t0, t;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	t0 = ((u64)hi << 32) | lo;
	do {
		asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
		t = ((u64)hi << 32) | lo;
	} while (t - t0 < ticks);
	return READ_ONCE(jiffies) != start;
}

/* Its structure of locks, made at first use (heap-full counts the heap) */
static struct lvd_td_locks *lvd_td_locks_get(void)
{
	struct lvd_td_locks *l;

	mutex_lock(&lvd_td_mutex);
	l = lvd_td_locks;
	if (!l) {
		l = kzalloc(sizeof(*l), GFP_KERNEL);
		if (l) {
			spin_lock_init(&l->lock);
			mutex_init(&l->mutex);
			init_completion(&l->done);
			lvd_td_locks = l;
		}
	}
	mutex_unlock(&lvd_td_mutex);
	return l;
}

static long lvd_td_locks_act(unsigned long act, unsigned long arg)
{
	struct lvd_td_locks *l = lvd_td_locks_get();
	unsigned long flags;
	long r;

	if (!l)
		return -ENOMEM;
	switch (act) {
	case LVD_TEST_ACT_LOCK_COUNT:
		return lvd_td_lock_count(arg);
	case LVD_TEST_ACT_LOCK_READ:
		return lvd_td_mutex_count * 100000 + l->count;
	case LVD_TEST_ACT_COMPLETION_WAIT:
		return wait_for_completion_timeout(&l->done, arg) > 0;
	case LVD_TEST_ACT_COMPLETE:
		complete(&l->done);
		return 0;
	case LVD_TEST_ACT_MUTEX_HOLD_SLEEP:
		mutex_lock(&lvd_td_held);
		msleep(arg);
		mutex_unlock(&lvd_td_held);
		return 0;
	case LVD_TEST_ACT_MUTEX_STEAL:
		mutex_unlock(&lvd_td_held);
		r = mutex_trylock(&lvd_td_held);
		if (r)
			mutex_unlock(&lvd_td_held);
		return r;
	case LVD_TEST_ACT_MUTEX_WAIT:
		mutex_lock(&lvd_td_held);
		mutex_unlock(&lvd_td_held);
		return 0;
	case LVD_TEST_ACT_LOCK_MISUSE:
		return lvd_td_lock_misuse(arg);
	case LVD_TEST_ACT_IRQ_OFF:
		spin_lock_irqsave(&l->lock, flags);
		r = lvd_td_jiffies_move(arg);
		spin_unlock_irqrestore(&l->lock, flags);
		return r << 1 | lvd_td_jiffies_move(arg);
	case LVD_TEST_ACT_SPIN_HELD:
		spin_lock(&l->lock);
		__release(&l->lock);	/* for sparse: it returns holding it */
		return 0;
	case LVD_TEST_ACT_MUTEX_HELD:
		mutex_lock(&l->mutex);
		return 0;
	case LVD_TEST_ACT_SPIN_TWICE:
		spin_lock(&l->lock);
		spin_lock(&l->lock);
		__release(&l->lock);	/* for sparse: it never gets here */
		__release(&l->lock);
		return 0;
	default: /* LVD_TEST_ACT_SPIN_SLEEP */
		spin_lock_irqsave(&l->lock, flags);
		msleep(20);
		spin_unlock_irqrestore(&l->lock, flags);
		return 0;
	}
}

/* Its hrtimer: counts, and goes on 1 ms later until the limit */
/* The period of its counting hrtimer, in ms */
#define LVD_TD_HR_MS	20

static enum hrtimer_restart lvd_td_hr_fn(struct hrtimer *hr)
{
	struct lvd_td_timers *t = container_of(hr, struct lvd_td_timers, hr);
	unsigned long n = READ_ONCE(t->counts.hrtimer) + 1;

	WRITE_ONCE(t->counts.hrtimer, n);
	if (t->hr_how == LVD_TEST_ACT_HRTIMER_SELF_CANCEL) {
		hrtimer_cancel(hr);
	} else if (t->hr_how == LVD_TEST_ACT_HRTIMER_FORWARD_NOW) {
		hrtimer_forward_now(hr, ms_to_ktime(1));
		return HRTIMER_RESTART;
	} else if (t->hr_how == LVD_TEST_ACT_TIMER_MISUSE) {
		return HRTIMER_RESTART;		/* not moved on: at once, for ever */
	}
	if (n >= t->hr_limit)
		return HRTIMER_NORESTART;
	/* Far enough apart for the slowest CPU (nested KVM) to come back out */
	hrtimer_forward(hr, ktime_get(), ms_to_ktime(LVD_TD_HR_MS));
	return HRTIMER_RESTART;
}

/* The raced hrtimer: counts, and goes on twice in four */
static enum hrtimer_restart lvd_td_race_fn(struct hrtimer *hr)
{
	struct lvd_td_timers *t = container_of(hr, struct lvd_td_timers, race);
	unsigned long n = READ_ONCE(t->race_fired) + 1;

	WRITE_ONCE(t->race_fired, n);
	if (n % 4 < 2)
		return HRTIMER_NORESTART;
	hrtimer_forward(hr, ktime_get(), ns_to_ktime(2000));
	return HRTIMER_RESTART;
}

/*
 * @rounds of starting its raced hrtimer, 0 to 3 µs ahead, and cancelling
 * it or trying to, as another task does the same; with no rounds, the end:
 * 2 when it fired and is not active once cancelled
 */
static long lvd_td_hr_race(struct lvd_td_timers *t, unsigned long rounds)
{
	unsigned long i;

	for (i = 0; i < rounds; i++) {
		t->race.function = lvd_td_race_fn;
		hrtimer_start(&t->race, ns_to_ktime(i % 4 * 1000),
			      HRTIMER_MODE_REL);
		if (i % 3 == 0)
			hrtimer_cancel(&t->race);
		else if (i % 3 == 1)
			hrtimer_try_to_cancel(&t->race);
	}
	if (rounds)
		return 0;
	hrtimer_cancel(&t->race);
	return (READ_ONCE(t->race_fired) > 0) << 1 | hrtimer_active(&t->race);
}

static void lvd_td_timer_fn(struct timer_list *timer)
{
	struct lvd_td_timers *t = from_timer(t, timer, timer);

	WRITE_ONCE(t->counts.timer, t->counts.timer + 1);
}

/* Its work: sleeps, then counts */
static void lvd_td_work_fn(struct work_struct *work)
{
	struct lvd_td_timers *t = container_of(work, struct lvd_td_timers, work);

	WRITE_ONCE(t->counts.asleep, 1);
	msleep(t->work_ms);
	WRITE_ONCE(t->counts.work, t->counts.work + 1);
}

static void lvd_td_dwork_fn(struct work_struct *work)
{
	struct lvd_td_timers *t = container_of(work, struct lvd_td_timers,
					       dwork.work);

	WRITE_ONCE(t->counts.work, t->counts.work + 1);
}

/* Arm its hrtimer in @ms, to fire @times, its callback doing @how */
static void lvd_td_hr_arm(struct lvd_td_timers *t, unsigned long ms,
			  unsigned long times, unsigned long how)
{
	hrtimer_init(&t->hr, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t->hr.function = lvd_td_hr_fn;
	t->hr_how = how;
	t->hr_limit = READ_ONCE(t->counts.hrtimer) + times;
	hrtimer_start(&t->hr, ms_to_ktime(ms), HRTIMER_MODE_REL);
}

/* Its timer_list, set up and armed for @ms: what timer_pending() says */
static long lvd_td_timer_arm(struct lvd_td_timers *t, unsigned long ms)
{
	timer_setup(&t->timer, lvd_td_timer_fn, 0);
	mod_timer(&t->timer, jiffies + ms * HZ / 1000);
	return timer_pending(&t->timer);
}

/* Its work, sleeping @ms once it runs, queued: whether it was not already */
static bool lvd_td_work_queue(struct lvd_td_timers *t, unsigned long ms)
{
	t->work_ms = ms;
	WRITE_ONCE(t->counts.asleep, 0);
	INIT_WORK(&t->work, lvd_td_work_fn);
	return schedule_work(&t->work);
}

/* Timers and work misused (@part 0-3): 0 when each was refused */
static long lvd_td_timer_misuse(struct lvd_td_timers *t, unsigned long part)
{
	void *kernel = (void *)(PAGE_OFFSET + PAGE_SIZE);	/* kernel memory */
	unsigned long fired = READ_ONCE(t->counts.hrtimer);
	long r = 0;

	switch (part) {
	case 0:	/* never set up, queued nor initialised */
		t->spare.function = lvd_td_hr_fn;
		hrtimer_start(&t->spare, ms_to_ktime(1), HRTIMER_MODE_REL);
		r |= hrtimer_cancel(&t->spare);
		r |= hrtimer_active(&t->spare) << 1;
		r |= mod_timer(&t->spare_timer, jiffies) << 2;
		r |= del_timer_sync(&t->spare_timer) << 3;
		r |= cancel_work_sync(&t->spare_work) << 4;
		/* armed, and set up again: refused, it stays armed */
		lvd_td_hr_arm(t, 10000, 1, 0);
		hrtimer_init(&t->hr, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		r |= !hrtimer_active(&t->hr) << 5;
		r |= hrtimer_forward(&t->hr, ktime_get(), ms_to_ktime(1)) << 6;
		r |= !hrtimer_cancel(&t->hr) << 7;
		break;
	case 1:	/* in kernel memory, its read-only data, forged */
		hrtimer_init(kernel, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		hrtimer_start(kernel, ms_to_ktime(1), HRTIMER_MODE_REL);
		r |= hrtimer_cancel(kernel);
		hrtimer_init((struct hrtimer *)lvd_td_name, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL);
		timer_setup((struct timer_list *)0x1000, lvd_td_timer_fn, 0);
		r |= mod_timer(kernel, jiffies) << 1;
		r |= schedule_work(kernel) << 2;
		r |= schedule_work((struct work_struct *)0x1000) << 3;
		r |= cancel_work_sync(kernel) << 4;
		r |= queue_work(kernel, &t->spare_work) << 5;
		break;
	case 3:	/* restarted without hrtimer_forward(): fires once */
		lvd_td_hr_arm(t, 1, 100, LVD_TEST_ACT_TIMER_MISUSE);
		msleep(50);
		r |= READ_ONCE(t->counts.hrtimer) != fired + 1;
		r |= hrtimer_active(&t->hr) << 1;
		break;
	default: /* callbacks that are not its code */
		hrtimer_init(&t->spare, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		t->spare.function = (void *)lvd_td_data_code;
		hrtimer_start(&t->spare, ms_to_ktime(1), HRTIMER_MODE_REL);
		r |= hrtimer_active(&t->spare);
		t->spare.function = (void *)kernel;
		hrtimer_start(&t->spare, ms_to_ktime(1), HRTIMER_MODE_REL);
		r |= hrtimer_active(&t->spare) << 1;
		timer_setup(&t->spare_timer, (void *)lvd_td_data_code, 0);
		r |= mod_timer(&t->spare_timer, jiffies) << 2;
		INIT_WORK(&t->spare_work, (void *)kernel);
		r |= schedule_work(&t->spare_work) << 3;
		hrtimer_init(&t->spare, CLOCK_MONOTONIC | 0x100, HRTIMER_MODE_REL);
		msleep(20);
		r |= (READ_ONCE(t->counts.hrtimer) != fired) << 4;
	}
	return r;
}

/* Its timers and work items, made at first use */
static long lvd_td_timers_act(unsigned long act, unsigned long arg)
{
	struct lvd_td_timers *t = lvd_td_timers;
	unsigned long before, i;
	long r;

	if (!t) {
		t = kzalloc(sizeof(*t), GFP_KERNEL);
		if (!t)
			return -ENOMEM;
		hrtimer_init(&t->race, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		lvd_td_timers = t;
	}
	switch (act) {
	case LVD_TEST_ACT_HRTIMER_START:
		lvd_td_hr_arm(t, LVD_TD_HR_MS, arg, 0);
		return 0;
	case LVD_TEST_ACT_TIMERS_READ:
		return READ_ONCE(t->counts.hrtimer) +
		       READ_ONCE(t->counts.timer) * 1000 +
		       READ_ONCE(t->counts.work) * 1000000;
	case LVD_TEST_ACT_HRTIMER_CANCEL:
		lvd_td_hr_arm(t, 10000, 1, 0);
		r = hrtimer_cancel(&t->hr) << 1;
		return r | hrtimer_active(&t->hr);
	case LVD_TEST_ACT_TIMER_START:
		return lvd_td_timer_arm(t, arg);
	case LVD_TEST_ACT_TIMER_CANCEL:
		lvd_td_timer_arm(t, 10000);
		r = del_timer_sync(&t->timer) << 1;
		return r | timer_pending(&t->timer);
	case LVD_TEST_ACT_WORK_QUEUE:
		return lvd_td_work_queue(t, arg);
	case LVD_TEST_ACT_WORK_CANCEL:
		before = READ_ONCE(t->counts.work);
		lvd_td_work_queue(t, 300);
		for (i = 0; i < 100 && !READ_ONCE(t->counts.asleep); i++)
			msleep(20);
		r = cancel_work_sync(&t->work);
		return (READ_ONCE(t->counts.work) - before) * 10 + r;
	case LVD_TEST_ACT_DWORK_QUEUE:
		INIT_DELAYED_WORK(&t->dwork, lvd_td_dwork_fn);
		return schedule_delayed_work(&t->dwork, arg * HZ / 1000);
	case LVD_TEST_ACT_DWORK_CANCEL:
		INIT_DELAYED_WORK(&t->dwork, lvd_td_dwork_fn);
		schedule_delayed_work(&t->dwork, 10 * HZ);
		return cancel_delayed_work_sync(&t->dwork);
	case LVD_TEST_ACT_TIMERS_ARM:
		lvd_td_hr_arm(t, arg, 1, 0);
		lvd_td_timer_arm(t, arg);
		INIT_DELAYED_WORK(&t->dwork, lvd_td_dwork_fn);
		schedule_delayed_work(&t->dwork, arg * HZ / 1000);
		lvd_td_work_queue(t, 20000);
		return (long)&t->counts;
	case LVD_TEST_ACT_TIMER_MISUSE:
		return lvd_td_timer_misuse(t, arg);
	case LVD_TEST_ACT_HRTIMER_RACE:
		return lvd_td_hr_race(t, arg);
	default: /* a callback that stops it, while it sleeps */
		lvd_td_hr_arm(t, 1, 2, act);
		msleep(2000);
		return 0;
	}
}

/* Time and the kernel's values, as driver code uses them */
static long lvd_td_kernel_values(unsigned long act, unsigned long arg)
{
	unsigned long start = jiffies;

	switch (act) {
	case LVD_TEST_ACT_SLEEP:
		msleep(arg);
		return jiffies - start;
	case LVD_TEST_ACT_DELAY:
		udelay(arg);
		udelay(5);
		ndelay(500);
		mdelay(1);
		return 0;
	default:
		return nr_cpu_ids * 1000 + num_online_cpus();
	}
}

/*
 * A ring's worth of entries from vzalloc() (zeroed: 1000), 5000 bytes from
 * vmalloc() set to 1 (their sum), page-aligned (10000); both freed, then
 * kernel memory (@kernel) and the first again, which the glue ignores
 */
static long lvd_td_vmalloc(unsigned long kernel)
{
	size_t big = 4096 * 40, i;
	u8 *z = vzalloc(big), *p = vmalloc(5000);
	long ret = -ENOMEM;

	if (z && p) {
		for (i = 0; i < big && !z[i]; i++)
			;
		ret = i == big ? 1000 : 0;
		memset(p, 1, 5000);
		for (i = 0; i < 5000; i++)
			ret += p[i];
		ret += offset_in_page(z) ? 0 : 10000;
	}
	vfree(p);
	vfree(z);
	vfree((void *)kernel);
	vfree(z);
	return ret;
}

/*
 * The bitmap searches, on its own bitmap (served in its domain, by the
 * glue page): its set bits counted * 100000 plus their sum; a negative
 * mask of the searches that were wrong
 */
static long lvd_td_find_bit(void)
{
	static DECLARE_BITMAP(bits, 4096);
	unsigned long b, n = 0, sum = 0;
	long bad = 0;

	bitmap_zero(bits, 4096);
	__set_bit(5, bits);
	__set_bit(64, bits);
	__set_bit(1000, bits);
	__set_bit(4095, bits);
	for_each_set_bit(b, bits, 4096) {
		n++;
		sum += b;
	}
	bad |= (find_first_bit(bits, 4096) != 5) << 0;
	bad |= (find_next_bit(bits, 4096, 1001) != 4095) << 1;
	bad |= (find_next_bit(bits, 1001, 1001) != 1001) << 2;
	bad |= (find_next_bit(bits, 999, 65) != 999) << 3;
	bad |= (find_last_bit(bits, 4096) != 4095) << 4;
	bad |= (find_last_bit(bits, 1000) != 64) << 5;
	bad |= (find_last_bit(bits, 5) != 5) << 6;
	bad |= (find_first_zero_bit(bits, 4096) != 0) << 7;
	bitmap_fill(bits, 4096);
	__clear_bit(777, bits);
	bad |= (find_first_zero_bit(bits, 4096) != 777) << 8;
	bad |= (find_next_zero_bit(bits, 4096, 778) != 4096) << 9;
	bad |= (find_next_zero_bit(bits, 100, 50) != 100) << 10;
	return bad ? -bad : n * 100000 + sum;
}

/* Its buffer dumped (3 lines, then 1), and kernel memory (@kernel): refused */
static long lvd_td_hex_dump(unsigned long kernel)
{
	u8 *buf = kmalloc(64, GFP_KERNEL);
	unsigned int i;

	if (!buf)
		return -ENOMEM;
	for (i = 0; i < 64; i++)
		buf[i] = 0x40 + i;
	print_hex_dump(KERN_INFO, "lvd-hex: ", DUMP_PREFIX_OFFSET, 16, 1, buf,
		       40, true);
	print_hex_dump(KERN_INFO, "lvd-hex2: ", DUMP_PREFIX_NONE, 32, 4, buf,
		       8, false);
	print_hex_dump(KERN_INFO, "lvd-hex3: ", DUMP_PREFIX_NONE, 16, 1,
		       (void *)kernel, 16, false);
	kfree(buf);
	return 0;
}

/*
 * BHs off while it spins @ticks of the TSC, a timer due meanwhile: 1 when
 * its count took SOFTIRQ_DISABLE_OFFSET, 2 when it is back as it was
 * after, 4 when jiffies moved (interrupts came), 8 when the timer did not
 * fire meanwhile, 16 when it had fired once local_bh_enable() returned
 */
static long lvd_td_bh(unsigned long ticks)
{
	unsigned long before, during, after;
	struct lvd_td_timers *t;
	int c0, c1, c2;
	bool moved;

	/* Its timers, made at first use */
	lvd_td_timers_act(LVD_TEST_ACT_TIMERS_READ, 0);
	t = lvd_td_timers;
	if (!t)
		return -ENOMEM;
	timer_setup(&t->timer, lvd_td_timer_fn, 0);
	c0 = preempt_count();
	local_bh_disable();
	c1 = preempt_count();
	before = READ_ONCE(t->counts.timer);
	mod_timer(&t->timer, jiffies + 1);
	moved = lvd_td_jiffies_move(ticks);
	during = READ_ONCE(t->counts.timer) - before;
	local_bh_enable();
	after = READ_ONCE(t->counts.timer) - before;
	c2 = preempt_count();
	return (c1 - c0 == SOFTIRQ_DISABLE_OFFSET) | (c2 == c0) << 1 |
	       moved << 2 | !during << 3 | (after == 1) << 4;
}

/*
 * Its pages' references: 1 when a new page counts one, 2 when a put_page()
 * after a get_page() kept it, 4 when the last put_page() freed it (the next
 * page is the same), 8 when that one counts one again; then __folio_put()
 * of kernel memory (@kernel) and of a page freed, which the glue ignores
 */
static long lvd_td_put_page(unsigned long kernel)
{
	struct page *p = alloc_page(GFP_KERNEL), *q, *r;
	long ret;

	if (!p)
		return -ENOMEM;
	ret = page_ref_count(p) == 1;
	get_page(p);
	put_page(p);
	q = alloc_page(GFP_KERNEL);
	ret |= (q && q != p) << 1;
	put_page(p);
	r = alloc_page(GFP_KERNEL);
	ret |= (r == p) << 2;
	ret |= (r && page_ref_count(r) == 1) << 3;
	__folio_put((struct folio *)virt_to_page((void *)kernel));
	if (q)
		put_page(q);
	if (r) {
		put_page(r);
		__folio_put((struct folio *)r);
	}
	return ret;
}

/*
 * The struct page of a page of its own is its own copy, at the kernel's
 * struct page's address: glue that copies there (kstrtoint()'s result) or
 * from there (a %s of printk()) must refuse, not touch the kernel's.
 * Bit 0: the copy to it refused; bit 1: the one from it ("(efault)");
 * bit 2: its copy unchanged.
 */
static long lvd_td_struct_page(void)
{
	struct page *p = alloc_page(GFP_KERNEL);
	long ret, before;
	char buf[16];
	int *dst;

	if (!p)
		return -ENOMEM;
	dst = (int *)p;
	*dst = 7;
	before = *dst;
	ret = kstrtoint("42", 10, dst) == -EFAULT;
	ret |= (snprintf(buf, sizeof(buf), "%s", (char *)p) ==
		strlen("(efault)")) << 1;
	ret |= (*dst == before) << 2;
	__free_page(p);
	return ret;
}

/* Glue a NIC driver uses */
static long lvd_td_nic_glue(unsigned long act, unsigned long arg)
{
	unsigned long start = jiffies;
	long r;

	switch (act) {
	case LVD_TEST_ACT_VMALLOC:
		return lvd_td_vmalloc(arg);
	case LVD_TEST_ACT_FIND_BIT:
		return lvd_td_find_bit();
	case LVD_TEST_ACT_MSLEEP_INTR:
		r = msleep_interruptible(arg);
		return r * 100000 + (jiffies - start);
	case LVD_TEST_ACT_SYSTEM_STATE:
		return system_state;
	case LVD_TEST_ACT_BH:
		return lvd_td_bh(arg);
	case LVD_TEST_ACT_HEX_DUMP:
		return lvd_td_hex_dump(arg);
	default:
		return lvd_td_put_page(arg);
	}
}

static long lvd_td_work(unsigned long act, unsigned long arg)
{
	unsigned int i;

	lvd_td_calls++;
	switch (act) {
	case LVD_TEST_ACT_PING:
	case LVD_TEST_ACT_SLOW_PING:
		return arg + lvd_td_calls;
	case LVD_TEST_ACT_SUM:
		for (i = 0; i < sizeof(lvd_td_buf); i++)
			lvd_td_buf[i] = i;
		return lvd_test_driver_sum(lvd_td_handle, lvd_td_buf,
					   sizeof(lvd_td_buf));
	case LVD_TEST_ACT_OUT_PORT:
		asm volatile("outb %%al, %%dx" : : "a" (0), "d" (arg));
		return 0;
	case LVD_TEST_ACT_SUM_LARGE:
		for (i = 0; i < sizeof(lvd_td_large); i++)
			lvd_td_large[i] = i * 7;
		return lvd_test_driver_sum(lvd_td_handle, lvd_td_large,
					   sizeof(lvd_td_large));
	case LVD_TEST_ACT_PRINT:
		pr_info("%s: act %lu, arg %#lx, %d calls, %c%%\n", lvd_td_name,
			act, arg, (int)lvd_td_calls, 'x');
		return 0;
	case LVD_TEST_ACT_PRINT_WIDE:
		/* Widths vsnprintf() would pad out, millions of bytes each */
		pr_info("wide: %8388607d|%.8388607s|%8388607lx|%-257c|%4d\n",
			1, lvd_td_name, arg, 'x', 7);
		return 0;
	case LVD_TEST_ACT_RDTSC: {
		u32 lo, hi;

		asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
		return lo || hi;
	}
	case LVD_TEST_ACT_SLEEP ... LVD_TEST_ACT_CPUS:
		return lvd_td_kernel_values(act, arg);
	case LVD_TEST_ACT_ALLOC:
		return lvd_td_alloc(arg);
	case LVD_TEST_ACT_HEAP_FULL:
		return lvd_td_heap_full();
	case LVD_TEST_ACT_BAD_FREE:
		return lvd_td_bad_free(arg);
	case LVD_TEST_ACT_REENTER ... LVD_TEST_ACT_SUM_KERNEL:
		return lvd_td_glue_misuse(act, arg);
	case LVD_TEST_ACT_NET_MISUSE:
		return lvd_td_net_misuse(arg);
	case LVD_TEST_ACT_NET_RTNL_HOLD:
	case LVD_TEST_ACT_NET_RTNL_TWICE:
		return lvd_td_net_rtnl(act);
	case LVD_TEST_ACT_NET_NAPI:
		return lvd_td_net_napi();
	case LVD_TEST_ACT_LOCK_COUNT ... LVD_TEST_ACT_SPIN_SLEEP:
		return lvd_td_locks_act(act, arg);
	case LVD_TEST_ACT_HRTIMER_START ... LVD_TEST_ACT_HRTIMER_RACE:
		return lvd_td_timers_act(act, arg);
	case LVD_TEST_ACT_VMALLOC ... LVD_TEST_ACT_PUT_PAGE:
		return lvd_td_nic_glue(act, arg);
	case LVD_TEST_ACT_STRUCT_PAGE:
		return lvd_td_struct_page();
	default:
		return lvd_td_attack(act, arg);
	}
}

static long lvd_td_attack(unsigned long act, unsigned long arg)
{
	switch (act) {
	case LVD_TEST_ACT_READ_KERNEL:
		return READ_ONCE(*(unsigned long *)arg);
	case LVD_TEST_ACT_WRITE_KERNEL:
		WRITE_ONCE(*(unsigned long *)arg, 0xbad);
		break;
	case LVD_TEST_ACT_WRITE_TEXT:
		WRITE_ONCE(*(u8 *)lvd_td_work, 0xcc);
		break;
	case LVD_TEST_ACT_WRITE_RODATA:
		WRITE_ONCE(*(char *)lvd_td_name, 'X');
		break;
	case LVD_TEST_ACT_WRITE_GLUE:
		WRITE_ONCE(*(u8 *)lvd_test_driver_sum, 0xcc);
		break;
	case LVD_TEST_ACT_WRITE_MODULE:
		WRITE_ONCE(*(unsigned long *)THIS_MODULE, 0);
		break;
	case LVD_TEST_ACT_EXEC_DATA:
		((void (*)(void))lvd_td_data_code)();
		break;
	case LVD_TEST_ACT_EXEC_KERNEL:
		((void (*)(void))arg)();
		break;
	case LVD_TEST_ACT_UD2:
		asm volatile("ud2");
		break;
	case LVD_TEST_ACT_HLT:
		asm volatile("hlt");
		break;
	case LVD_TEST_ACT_CLI:
		asm volatile("cli");
		break;
	case LVD_TEST_ACT_WRITE_CR3:
		asm volatile("mov %0, %%cr3" : : "r" (arg));
		break;
	case LVD_TEST_ACT_WRMSR:	/* LSTAR: the kernel's system call entry */
		asm volatile("wrmsr" : : "c" (0xc0000082), "a" (0), "d" (0));
		break;
	case LVD_TEST_ACT_LIDT:
		asm volatile("lidt (%0)" : : "r" (lvd_td_buf) : "memory");
		break;
	case LVD_TEST_ACT_MOV_DR7:
		asm volatile("mov %0, %%dr7" : : "r" (0x3ffUL));
		break;
	case LVD_TEST_ACT_XSETBV:
		asm volatile("xsetbv" : : "c" (0), "a" (1), "d" (0));
		break;
	case LVD_TEST_ACT_WBINVD:
		asm volatile("wbinvd");
		break;
	case LVD_TEST_ACT_OUTB:
		asm volatile("outb %%al, %%dx" : : "a" (0), "d" (0x80));
		break;
	case LVD_TEST_ACT_VMCALL:
		asm volatile("vmcall");
		break;
	case LVD_TEST_ACT_SYSCALL:
		asm volatile("syscall" : : : "rcx", "r11", "memory");
		break;
	case LVD_TEST_ACT_INT3:
		asm volatile("int3");
		break;
	case LVD_TEST_ACT_SSE: {
		unsigned long v;

		asm volatile(".byte 0x66, 0x48, 0x0f, 0x7e, 0xc0" : "=a" (v));
		return v;			/* movq %xmm0, %rax */
	}
	case LVD_TEST_ACT_STACK_OVERFLOW:
		asm volatile("1: push %%rax; jmp 1b" : : : "memory");
		break;
	case LVD_TEST_ACT_VMFUNC_KERNEL: {
		unsigned long v;

		/* VMFUNC 0 to index 0, then a load of arg */
		asm volatile(".byte 0x0f, 0x01, 0xd4; mov (%2), %0"
			     : "=r" (v) : "a" (0), "r" (arg), "c" (0) : "memory");
		return v;
	}
	case LVD_TEST_ACT_VMFUNC_OTHER: {
		/* A heap piece nobody has touched: no translation is cached */
		unsigned long v, *fresh = kmalloc(PAGE_SIZE, GFP_KERNEL);

		/*
		 * VMFUNC 0 to another domain's index, then a load of its own
		 * memory, which that view does not map (under nested KVM a
		 * fetch may use a translation cached before the VMFUNC)
		 */
		asm volatile(".byte 0x0f, 0x01, 0xd4; mov (%2), %0"
			     : "=r" (v) : "a" (0), "r" (fresh), "c" (arg)
			     : "memory");
		return v;
	}
	case LVD_TEST_ACT_BAD_KCALL:
		asm volatile("int $0x1b" : : "a" (4095));
		break;
	case LVD_TEST_ACT_BAD_STACK:
		asm volatile("mov %0, %%rsp; int $0x1b" : : "r" (arg), "a" (0));
		break;
	case LVD_TEST_ACT_HEAP_OVERFLOW: {
		u8 *piece = kmalloc(16, GFP_KERNEL);

		WRITE_ONCE(piece[1 << 20], 1);
		break;
	}
	case LVD_TEST_ACT_DIV0: {
		unsigned long quotient = 1, remainder = 0;

		/* DIV, not C's "/", which would leave a zero divisor undefined */
		asm volatile("div %2" : "+a" (quotient), "+d" (remainder)
			     : "r" (arg));
		return quotient;
	}
	case LVD_TEST_ACT_SPIN:
		for (;;)
			asm volatile("" : : : "memory");
	default:
		return lvd_td_exhaust(act, arg);
	}
	return -EINVAL;
}

static int __init lvd_td_init(void)
{
	lvd_td_handle = lvd_test_driver_register(&lvd_td_ops);
	if (lvd_td_handle < 0)
		return lvd_td_handle;
	pr_info("registered, handle %#lx\n", lvd_td_handle);
	return 0;
}
module_init(lvd_td_init);

static void __exit lvd_td_exit(void)
{
	lvd_test_driver_unregister(lvd_td_handle);
	kfree(lvd_td_locks);
	/* Its timers are cancelled as it goes: not here, to show that they are */
	kfree(lvd_td_timers);
}
module_exit(lvd_td_exit);

MODULE_DESCRIPTION("LVD test driver: runs isolated, attacks on request");
MODULE_LICENSE("GPL");
