# retention: customer-retention KPIs inside PostgreSQL (PGXS build)
#
# Sources are globbed so that a new area (src/<area>.c, test/sql/<name>.sql)
# needs no edit here.  sql/ holds the frozen install script of the first
# release and one upgrade script per release after it; CREATE EXTENSION
# installs the first release and applies the upgrades in order.

EXTENSION = retention
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" retention.control)

MODULE_big = retention
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

DATA = $(wildcard sql/$(EXTENSION)--*.sql)

# pg_regress reads test/sql/<name>.sql and test/expected/<name>.out, where
# test/expected is a link to the top-level expected/ directory.
REGRESS = $(sort $(basename $(notdir $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=test --load-extension=$(EXTENSION)

EXTRA_CLEAN = results regression.diffs regression.out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# A release archive named after the version, from the committed tree.
dist:
	git archive --format=tar.gz --prefix=$(EXTENSION)-$(EXTVERSION)/ \
		-o $(EXTENSION)-$(EXTVERSION).tar.gz HEAD

.PHONY: dist
