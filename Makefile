# SPDX-License-Identifier: GPL-2.0
#
# LVD: build the patched Linux 6.12 kernel, boot it, test it, and emit the
# patch series. Run as root on Debian 12: every target installs the Debian
# packages it needs. See README.
#
# Knobs (make VAR=value):
#   KSRC=/path   your own 6.12.y tree (git checkout or unpacked); default:
#                Debian's linux-source-6.12
#   BOOT=bochs|qemu|kvm|nested   for make run (default: kvm where the host
#                has VMX, else bochs; nested: QEMU+KVM inside Bochs)
#   CPUS=1..4    for make run
#   BOOTS="bochs:1:reboot bochs:2:restart nested:1 bochs:1:icelake ..."
#                boots of make test (make test-nested: nested:1 alone)
#   TIMEOUT=600  seconds per boot
#   OUT=out      where everything is built and logged
#   JOBS=N       parallel build jobs (default: all CPUs)

OUT ?= $(CURDIR)/out
KSRC ?=
BOOT ?=
CPUS ?= 1
BOOTS ?=
TIMEOUT ?= 600
export OUT KSRC BOOT CPUS BOOTS TIMEOUT JOBS

H := $(CURDIR)/harness

.PHONY: help deps base overlay kernel initramfs nested run shell test \
	test-nested bench patches series-build checkpatch check clean distclean

help:
	@sed -n '/^## /s/^## //p' README

deps:
	@$(H)/deps.sh all

base: deps
	@$(H)/base.sh

overlay: base
	@$(H)/overlay.sh

kernel: overlay
	@$(H)/build.sh

initramfs: kernel
	@$(H)/initramfs.sh

nested: initramfs
	@$(H)/nested.sh

run: initramfs $(if $(filter nested,$(BOOT)),nested)
	@MODE=run FOLLOW=1 $(H)/boot.sh run

test:
	@$(H)/test.sh

# The benchmark: one Bochs boot, figures in emulated instructions.
bench: initramfs
	@$(H)/bench.sh

# make test with only the nested boot (QEMU+KVM inside Bochs).
test-nested:
	@BOOTS="$(or $(BOOTS),nested:1)" $(H)/test.sh

patches: overlay
	@$(H)/series.sh

# Build each prefix of the series on a pristine tree, patch by patch.
series-build: kernel patches
	@$(H)/series-build.sh

checkpatch: patches
	@$(H)/checkpatch.sh

check: kernel patches
	@$(H)/warnings.sh && $(H)/checkpatch.sh && $(H)/series-build.sh

clean:
	rm -rf $(OUT)/build $(OUT)/boot $(OUT)/initramfs* $(OUT)/selftests \
		$(OUT)/patches $(OUT)/series-git $(OUT)/nested-initramfs*

distclean:
	rm -rf $(OUT)
