// SPDX-License-Identifier: GPL-2.0
/*
 * lvd_test_hv's runtime scenarios, run through the cross file like the
 * others (hooks_cross.c): calls into a domain that sleep in kernel calls,
 * are preempted, migrate, are interrupted by calls into the same domain,
 * a domain stopped while tasks sleep in it, and its fault record read on
 * another CPU as it is stopped. Kernel threads make the calls, so that
 * several tasks are inside one domain at once.
 */

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/trapnr.h>
#include <lvd/domain.h>
#include "tests/hooks.h"

/* Kernel calls that sleep record what they saw in a slot each. */
#define LVD_TEST_SLOTS		4
/* The longest sleep a domain may ask for */
#define LVD_TEST_SLEEP_MAX_MS	2000
/* Where a sleeper's domain stack word lies below: far enough for a call */
#define LVD_TEST_FOREIGN_DEPTH	256

/**
 * struct lvd_test_slot - what a sleeping kernel call saw
 * @asleep: completed as it goes to sleep
 * @cpu_before: where it went to sleep
 * @cpu_after: where it woke
 * @stack: the domain's stack pointer, as the domain passed it
 * @asleep_at: when it went to sleep (ns)
 * @woke_at: when it woke (ns)
 */
struct lvd_test_slot {
	struct completion asleep;
	unsigned int cpu_before, cpu_after;
	unsigned long stack;
	u64 asleep_at, woke_at;
};

static struct lvd_test_slot lvd_test_slots[LVD_TEST_SLOTS];

static void lvd_test_slots_reset(void)
{
	unsigned int i;

	for (i = 0; i < LVD_TEST_SLOTS; i++) {
		memset(&lvd_test_slots[i], 0, sizeof(lvd_test_slots[i]));
		init_completion(&lvd_test_slots[i].asleep);
	}
}

/**
 * lvd_test_kcall_sleep() - LVD_TEST_KCALL_SLEEP: sleep in a kernel call
 * @d: the domain
 * @args: milliseconds, the slot to record in, the domain's stack pointer
 *
 * Return: 0, -EINVAL for a slot or a time out of range, or -EDEADLK
 * (without sleeping) when it was called where it may not sleep.
 */
unsigned long lvd_test_kcall_sleep(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_test_slot *s;

	if (args[1] >= LVD_TEST_SLOTS || args[0] > LVD_TEST_SLEEP_MAX_MS)
		return -EINVAL;
	s = &lvd_test_slots[args[1]];
	/* Sleeping here would be a bug: the domain's call fails instead. */
	if (!preemptible()) {
		complete(&s->asleep);
		return -EDEADLK;
	}
	s->stack = args[2];
	s->cpu_before = raw_smp_processor_id();
	s->asleep_at = ktime_get_ns();
	complete(&s->asleep);
	msleep(args[0]);
	s->woke_at = ktime_get_ns();
	s->cpu_after = raw_smp_processor_id();
	return 0;
}

/**
 * lvd_test_kcall_nest_sleep() - LVD_TEST_KCALL_NEST_SLEEP: sleep, then call
 * back into the domain
 * @d: the domain
 * @args: the domain's stack pointer at the kernel call
 *
 * Return: how far below @args[0] the call back found its stack pointer
 * (small when it ran on the same stack), or -1 when it failed or was
 * called where it may not sleep.
 */
unsigned long lvd_test_kcall_nest_sleep(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long rsp;

	if (!preemptible())
		return -1UL;
	usleep_range(1000, 2000);
	if (lvd_domain_call(d, (unsigned long)lvd_test_dom_rsp, NULL, &rsp))
		return -1UL;
	return args[0] - rsp;
}

/* The lock a test domain takes as a hold (LVD_TEST_KCALL_HOLD) */
static DEFINE_MUTEX(lvd_test_hold_lock);

static void lvd_test_hold_release(struct lvd_domain_hold *h)
{
	mutex_unlock(&lvd_test_hold_lock);
}

static struct lvd_domain_hold lvd_test_hold = {
	.release = lvd_test_hold_release,
};

/**
 * lvd_test_kcall_hold() - LVD_TEST_KCALL_HOLD: take or give back a lock,
 * as lock glue does
 * @d: the domain
 * @args: 1 to take the lock, 2 to give it back
 *
 * Return: 0, or -EPERM when the calling task does not hold it for @d.
 */
unsigned long lvd_test_kcall_hold(struct lvd_domain *d,
				  const unsigned long args[LVD_DOMAIN_ARGS])
{
	if (args[0] == 1) {
		mutex_lock(&lvd_test_hold_lock);
		lvd_domain_hold(d, &lvd_test_hold);
		return 0;
	}
	if (!lvd_domain_unhold(d, &lvd_test_hold))
		return -EPERM;
	mutex_unlock(&lvd_test_hold_lock);
	return 0;
}

/**
 * struct lvd_test_caller - a kernel thread that makes one call
 * @d: into this domain
 * @fn: of this function
 * @args: with these arguments
 * @ret: its result
 * @err: what lvd_domain_call() returned
 * @done: completed when it has
 * @t: the thread
 */
struct lvd_test_caller {
	struct lvd_domain *d;
	void (*fn)(void);
	unsigned long args[LVD_DOMAIN_ARGS];
	unsigned long ret;
	int err;
	struct completion done;
	struct task_struct *t;
};

/* The end of a test thread: it waits for kthread_stop(), which reaps it. */
static int lvd_test_thread_park(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int lvd_test_caller_fn(void *arg)
{
	struct lvd_test_caller *c = arg;

	c->err = lvd_domain_call(c->d, (unsigned long)c->fn, c->args, &c->ret);
	complete(&c->done);
	return lvd_test_thread_park();
}

/* Start @c's thread on @cpu (any CPU if nr_cpu_ids). */
static int lvd_test_caller_start(struct lvd_test_caller *c, unsigned int cpu)
{
	init_completion(&c->done);
	c->t = kthread_create(lvd_test_caller_fn, c, "lvd_call");
	if (IS_ERR(c->t))
		return PTR_ERR(c->t);
	if (cpu < nr_cpu_ids)
		set_cpus_allowed_ptr(c->t, cpumask_of(cpu));
	wake_up_process(c->t);
	return 0;
}

/* Wait for @c's call, and end its thread. */
static void lvd_test_caller_end(struct lvd_test_caller *c)
{
	if (IS_ERR_OR_NULL(c->t))
		return;
	wait_for_completion(&c->done);
	kthread_stop(c->t);
}

/* Sleepers: @n threads that each sleep @ms in the domain, slot i */
static int lvd_test_sleepers(struct lvd_test_caller *c, unsigned int n,
			     struct lvd_domain *d, unsigned long ms,
			     unsigned int cpu)
{
	unsigned int i;
	int err = 0;

	lvd_test_slots_reset();
	for (i = 0; i < n && !err; i++) {
		c[i] = (struct lvd_test_caller) {
			.d = d, .fn = lvd_test_dom_sleep, .args = { ms, i, 1 },
		};
		err = lvd_test_caller_start(&c[i], cpu);
	}
	for (i = 0; i < n && !err; i++)
		wait_for_completion(&lvd_test_slots[i].asleep);
	return err;
}

static struct {
	struct hrtimer timer;
	struct lvd_domain *d;
	unsigned long *word;
	int err;
	unsigned long ret;
} lvd_test_nest;

/*
 * In a timer's interrupt, which came while the domain waited: a call into
 * the same domain that pushes a pattern of its own, then the word the
 * waiting call waits for.
 */
static enum hrtimer_restart lvd_test_nest_fire(struct hrtimer *t)
{
	unsigned long args[LVD_DOMAIN_ARGS] = {
		(unsigned long)&lvd_test_nest.word[1], 0xbbbbbbbbbbbbbbbbUL,
	};

	lvd_test_nest.err = lvd_domain_call(lvd_test_nest.d,
					    (unsigned long)lvd_test_dom_canary_wait,
					    args, &lvd_test_nest.ret);
	WRITE_ONCE(lvd_test_nest.word[0], 1);
	return HRTIMER_NORESTART;
}

/*
 * A call waits in the domain with a canary on its stack; an interrupt
 * calls into the same domain; the waiting call's canary is intact. With
 * @atomic, the waiting call has preemption off (it runs on the CPU's
 * stack, as the interrupt's call does). "err E ret R inner E2 ret R2"
 */
static void lvd_test_irq_nest(struct lvd_domain *d, unsigned long data,
			      bool atomic)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { data, 0xaaaaaaaaaaaaaaaaUL };
	unsigned long ret = 0;
	int err;

	lvd_test_nest.d = d;
	lvd_test_nest.word = (unsigned long *)data;
	lvd_test_nest.word[0] = 0;
	lvd_test_nest.word[1] = 1;
	lvd_test_nest.err = -EINPROGRESS;
	hrtimer_init(&lvd_test_nest.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	lvd_test_nest.timer.function = lvd_test_nest_fire;
	if (atomic)
		preempt_disable();
	hrtimer_start(&lvd_test_nest.timer, ms_to_ktime(10), HRTIMER_MODE_REL_HARD);
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_canary_wait, args,
			      &ret);
	if (atomic)
		preempt_enable();
	hrtimer_cancel(&lvd_test_nest.timer);
	lvd_test_result("err %d ret %lu inner %d ret %lu", err, ret,
			lvd_test_nest.err, lvd_test_nest.ret);
}

static void lvd_test_irq_nest_task(struct lvd_domain *d, unsigned long data)
{
	lvd_test_irq_nest(d, data, false);
}

static void lvd_test_irq_nest_atomic(struct lvd_domain *d, unsigned long data)
{
	lvd_test_irq_nest(d, data, true);
}

/*
 * Two tasks on one CPU sleep in the domain at once, each on its own
 * stack. "err E E2 intact I I2 overlap O stacks S"
 */
static void lvd_test_sleepers_one_cpu(struct lvd_domain *d, unsigned long data)
{
	struct lvd_test_caller c[2] = {};
	struct lvd_test_slot *a = &lvd_test_slots[0], *b = &lvd_test_slots[1];
	int err;

	err = lvd_test_sleepers(c, 2, d, 200, cpumask_first(cpu_online_mask));
	lvd_test_caller_end(&c[0]);
	lvd_test_caller_end(&c[1]);
	if (err) {
		lvd_test_result("err %d", err);
		return;
	}
	lvd_test_result("err %d %d intact %d %d overlap %d stacks %s",
			c[0].err, c[1].err, c[0].ret != 0, c[1].ret != 0,
			a->asleep_at < b->woke_at && b->asleep_at < a->woke_at,
			c[0].ret != c[1].ret ? "differ" : "same");
}

/* The FIFO task: it runs, and the waiting call may return */
struct lvd_test_fifo {
	unsigned long *word;
	u64 ran_at;
	struct completion done;
};

static int lvd_test_fifo_fn(void *arg)
{
	struct lvd_test_fifo *f = arg;

	f->ran_at = ktime_get_ns();
	WRITE_ONCE(*f->word, 1);
	complete(&f->done);
	return 0;
}

/*
 * A task waits in the domain on a CPU; a SCHED_FIFO task woken there gets
 * the CPU at once, and sets what the waiting call waits for.
 * "err E ms M"
 */
static void lvd_test_fifo(struct lvd_domain *d, unsigned long data)
{
	unsigned int cpu = cpumask_first(cpu_online_mask);
	struct lvd_test_caller c = {
		.d = d, .fn = lvd_test_dom_wait, .args = { data },
	};
	struct lvd_test_fifo f = { .word = (unsigned long *)data };
	struct task_struct *t;
	u64 woken;
	int err;

	init_completion(&f.done);
	WRITE_ONCE(*f.word, 0);
	err = lvd_test_caller_start(&c, cpu);
	if (err) {
		lvd_test_result("err %d", err);
		return;
	}
	msleep(30);
	t = kthread_create(lvd_test_fifo_fn, &f, "lvd_fifo");
	if (IS_ERR(t)) {
		WRITE_ONCE(*f.word, 1);
		lvd_test_caller_end(&c);
		lvd_test_result("err %ld", PTR_ERR(t));
		return;
	}
	set_cpus_allowed_ptr(t, cpumask_of(cpu));
	sched_set_fifo(t);
	woken = ktime_get_ns();
	wake_up_process(t);
	wait_for_completion(&f.done);
	lvd_test_caller_end(&c);
	lvd_test_result("err %d ms %llu", c.err,
			div_u64(f.ran_at - woken, NSEC_PER_MSEC));
}

/*
 * A task sleeping in a kernel call of the domain is moved to another CPU;
 * its call goes on there, its domain stack intact. "err E intact I from C
 * to C2"
 */
static void lvd_test_migrate(struct lvd_domain *d, unsigned long data)
{
	unsigned int from = cpumask_first(cpu_online_mask);
	unsigned int to = cpumask_next(from, cpu_online_mask);
	struct lvd_test_caller c;
	int err;

	if (to >= nr_cpu_ids) {
		lvd_test_result("one CPU");
		return;
	}
	err = lvd_test_sleepers(&c, 1, d, 300, from);
	if (!err)
		err = set_cpus_allowed_ptr(c.t, cpumask_of(to));
	lvd_test_caller_end(&c);
	lvd_test_result("err %d %d intact %d from %u to %u", err, c.err,
			c.ret != 0, lvd_test_slots[0].cpu_before,
			lvd_test_slots[0].cpu_after);
}

/*
 * Three tasks sleep in the domain; it is stopped: each of their calls
 * fails when it wakes. "fault E sleepers E1 E2 E3"
 */
static void lvd_test_stop_sleepers(struct lvd_domain *d, unsigned long data)
{
	struct lvd_test_caller c[3] = {};
	unsigned long ret;
	int err, fault = 0;
	unsigned int i;

	err = lvd_test_sleepers(c, 3, d, 500, nr_cpu_ids);
	if (!err)
		fault = lvd_domain_call(d, (unsigned long)lvd_test_dom_ud2, NULL,
					&ret);
	for (i = 0; i < 3; i++)
		lvd_test_caller_end(&c[i]);
	if (err)
		lvd_test_result("err %d", err);
	else
		lvd_test_result("fault %d sleepers %d %d %d", fault, c[0].err,
				c[1].err, c[2].err);
}

/*
 * A kernel call that may sleep, from a call made with preemption off: the
 * domain is stopped. "err E vector V"
 */
static void lvd_test_sleep_atomic(struct lvd_domain *d, unsigned long data)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 1, 0, 1 }, ret;
	struct lvd_domain_fault f = { .vector = ~0U };
	int err;

	lvd_test_slots_reset();
	preempt_disable();
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_sleep, args, &ret);
	preempt_enable();
	lvd_domain_stopped(d, &f);
	lvd_test_result("err %d vector %u", err, f.vector);
}

/*
 * While a task sleeps in the domain, another call makes a kernel call with
 * its stack pointer in the sleeper's stack: stopped. "err E vector V
 * sleeper E2"
 */
static void lvd_test_foreign_stack(struct lvd_domain *d, unsigned long data)
{
	struct lvd_domain_fault f = { .vector = ~0U };
	unsigned long args[LVD_DOMAIN_ARGS] = {}, ret;
	struct lvd_test_caller c;
	int err;

	err = lvd_test_sleepers(&c, 1, d, 300, nr_cpu_ids);
	if (err) {
		lvd_test_caller_end(&c);
		lvd_test_result("err %d", err);
		return;
	}
	args[0] = lvd_test_slots[0].stack - LVD_TEST_FOREIGN_DEPTH;
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_bad_stack, args, &ret);
	lvd_test_caller_end(&c);
	lvd_domain_stopped(d, &f);
	lvd_test_result("err %d vector %u sleeper %d", err, f.vector, c.err);
}

/*
 * kernel -> domain -> kernel (sleeps) -> domain: the inner call runs on
 * the task's stack, below the outer one. "err E below B"
 */
static void lvd_test_nest_sleep(struct lvd_domain *d, unsigned long data)
{
	unsigned long ret = 0;
	int err;

	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_nest_sleep, NULL,
			      &ret);
	lvd_test_result("err %d below %ld", err, (long)ret);
}

/*
 * 1.2 s asleep in three kernel calls of one call: only time in the
 * domain counts, so the watchdog lets it be. "err E intact I"
 */
static void lvd_test_sleep_long(struct lvd_domain *d, unsigned long data)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 400, 0, 3 }, ret = 0;
	int err;

	lvd_test_slots_reset();
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_sleep, args, &ret);
	lvd_test_result("err %d intact %d", err, ret != 0);
}

/* Rounds of "stop-record", each in a fresh domain */
#define LVD_TEST_STOP_ROUNDS	100

/**
 * struct lvd_test_stop_reader - a thread that reads a fault record in a loop
 * @d: this round's domain
 * @go: completed when the round begins
 * @done: completed when the reader has seen the stop, or given up
 * @armed: the reader is in its loop
 * @quit: no more rounds
 * @seen: lvd_domain_stopped() said true
 * @f: the record it gave then
 * @t: the thread
 */
struct lvd_test_stop_reader {
	struct lvd_domain *d;
	struct completion go, done;
	bool armed, quit, seen;
	struct lvd_domain_fault f;
	struct task_struct *t;
};

static int lvd_test_stop_reader_fn(void *arg)
{
	struct lvd_test_stop_reader *r = arg;
	unsigned long until;

	for (;;) {
		wait_for_completion(&r->go);
		if (READ_ONCE(r->quit))
			break;
		r->seen = false;
		until = jiffies + HZ;
		WRITE_ONCE(r->armed, true);
		while (!(r->seen = lvd_domain_stopped(r->d, &r->f)) &&
		       time_before(jiffies, until))
			cpu_relax();
		complete(&r->done);
	}
	return lvd_test_thread_park();
}

static bool lvd_test_fault_same(const struct lvd_domain_fault *a,
				const struct lvd_domain_fault *b)
{
	return a->vector == b->vector && a->error_code == b->error_code &&
	       a->rip == b->rip && a->rsp == b->rsp && a->cr2 == b->cr2 &&
	       a->cpl == b->cpl && a->cpu == b->cpu;
}

/**
 * struct lvd_test_stopper - the thread that makes domains fault
 * @r: the reader
 * @d: the scenario's domain, the first round's
 * @cpu: the CPU it runs on
 * @rounds: rounds done
 * @seen: rounds in which the reader saw the stop
 * @whole: rounds in which the record it saw was complete
 * @bad: what the first other round saw, for the result
 * @done: completed when it has finished
 */
struct lvd_test_stopper {
	struct lvd_test_stop_reader *r;
	struct lvd_domain *d;
	unsigned int cpu, rounds, seen, whole;
	char bad[128];
	struct completion done;
};

/* One round in @d: the reader loops, this CPU makes @d fault. */
static void lvd_test_stop_round(struct lvd_test_stopper *s, struct lvd_domain *d)
{
	struct lvd_domain_fault mine = { .vector = ~0U };
	struct lvd_test_stop_reader *r = s->r;
	unsigned long until = jiffies + HZ, ret;
	unsigned int i;
	bool whole;
	int err;

	r->d = d;
	WRITE_ONCE(r->armed, false);
	reinit_completion(&r->done);
	complete(&r->go);
	while (!READ_ONCE(r->armed) && time_before(jiffies, until))
		cpu_relax();
	/* Where the reader's loop is when the stop comes varies by round. */
	for (i = 0; i < s->rounds % 32; i++)
		cpu_relax();
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_ud2, NULL, &ret);
	lvd_domain_stopped(d, &mine);
	wait_for_completion(&r->done);

	whole = r->seen && err == -EFAULT && mine.vector == X86_TRAP_UD &&
		mine.rip == (unsigned long)lvd_test_dom_ud2 && mine.cpl == 3 &&
		mine.cpu == s->cpu && lvd_test_fault_same(&r->f, &mine);
	s->seen += r->seen;
	s->whole += whole;
	if (!whole && !s->bad[0])
		snprintf(s->bad, sizeof(s->bad),
			 " round %u err %d read %u %#lx %u %u wrote %u %#lx %u %u",
			 s->rounds, err, r->f.vector, r->f.rip, r->f.cpl, r->f.cpu,
			 mine.vector, mine.rip, mine.cpl, mine.cpu);
	s->rounds++;
}

static int lvd_test_stopper_fn(void *arg)
{
	struct lvd_test_stopper *s = arg;
	struct lvd_domain *d;
	unsigned long data;

	lvd_test_stop_round(s, s->d);
	while (s->rounds < LVD_TEST_STOP_ROUNDS &&
	       !lvd_test_cross_domain(&d, &data)) {
		lvd_test_stop_round(s, d);
		lvd_domain_destroy(d);
		free_page(data);
	}
	complete(&s->done);
	return lvd_test_thread_park();
}

/*
 * A thread on one CPU reads the fault record in a loop while a thread on
 * another makes the domain fault (#UD), in a fresh domain each round:
 * whenever the reader sees the domain stopped, the record is complete, the
 * one the faulting CPU reads itself. "rounds R seen S complete C", and the
 * first round that was not.
 */
static void lvd_test_stop_record(struct lvd_domain *d, unsigned long data)
{
	struct lvd_test_stop_reader r = {};
	struct lvd_test_stopper s = { .r = &r, .d = d };
	unsigned int reader_cpu = cpumask_first(cpu_online_mask);
	struct task_struct *t;

	s.cpu = cpumask_next(reader_cpu, cpu_online_mask);
	if (s.cpu >= nr_cpu_ids) {
		lvd_test_result("one CPU");
		return;
	}
	init_completion(&r.go);
	init_completion(&r.done);
	init_completion(&s.done);
	r.t = kthread_create_on_cpu(lvd_test_stop_reader_fn, &r, reader_cpu,
				    "lvd_reader/%u");
	if (IS_ERR(r.t)) {
		lvd_test_result("err %ld", PTR_ERR(r.t));
		return;
	}
	t = kthread_create_on_cpu(lvd_test_stopper_fn, &s, s.cpu, "lvd_stopper/%u");
	if (IS_ERR(t)) {
		kthread_stop(r.t);
		lvd_test_result("err %ld", PTR_ERR(t));
		return;
	}
	wake_up_process(r.t);
	wake_up_process(t);
	wait_for_completion(&s.done);
	kthread_stop(t);
	WRITE_ONCE(r.quit, true);
	complete(&r.go);
	kthread_stop(r.t);
	lvd_test_result("rounds %u seen %u complete %u%s", s.rounds, s.seen,
			s.whole, s.bad);
}

/*
 * The domain takes a lock through a kernel call, then returns with it
 * (@how 0), faults (1), or gives it back twice (2: the second is refused).
 * "err E vector V ret R locked L": the lock is never left held.
 */
static void lvd_test_holds(struct lvd_domain *d, unsigned long how)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { how }, ret = 0;
	struct lvd_domain_fault f = { .vector = ~0U };
	int err;

	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_hold, args, &ret);
	lvd_domain_stopped(d, &f);
	lvd_test_result("err %d vector %d ret %ld locked %d", err, (int)f.vector,
			(long)ret, mutex_is_locked(&lvd_test_hold_lock));
}

static void lvd_test_hold_return(struct lvd_domain *d, unsigned long data)
{
	lvd_test_holds(d, 0);
}

static void lvd_test_hold_fault(struct lvd_domain *d, unsigned long data)
{
	lvd_test_holds(d, 1);
}

static void lvd_test_hold_give(struct lvd_domain *d, unsigned long data)
{
	lvd_test_holds(d, 2);
}

static const struct {
	const char *name;
	void (*run)(struct lvd_domain *d, unsigned long data);
} lvd_test_runtime_scenarios[] = {
	{ "irq-nest", lvd_test_irq_nest_task },
	{ "irq-nest-atomic", lvd_test_irq_nest_atomic },
	{ "sleepers-one-cpu", lvd_test_sleepers_one_cpu },
	{ "fifo", lvd_test_fifo },
	{ "migrate", lvd_test_migrate },
	{ "stop-sleepers", lvd_test_stop_sleepers },
	{ "sleep-atomic", lvd_test_sleep_atomic },
	{ "foreign-stack", lvd_test_foreign_stack },
	{ "nest-sleep", lvd_test_nest_sleep },
	{ "sleep-long", lvd_test_sleep_long },
	{ "stop-record", lvd_test_stop_record },
	{ "hold-return", lvd_test_hold_return },
	{ "hold-fault", lvd_test_hold_fault },
	{ "hold-give", lvd_test_hold_give },
};

/**
 * lvd_test_runtime_scenario() - run a runtime scenario, if @what names one
 * @d: a fresh test domain
 * @what: the scenario
 * @data: the domain's page of data
 *
 * Return: false when @what is not a runtime scenario.
 */
bool lvd_test_runtime_scenario(struct lvd_domain *d, const char *what,
			       unsigned long data)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_test_runtime_scenarios); i++) {
		if (!strcmp(what, lvd_test_runtime_scenarios[i].name)) {
			lvd_test_runtime_scenarios[i].run(d, data);
			return true;
		}
	}
	return false;
}
