# retention: customer-retention KPIs inside PostgreSQL (PGXS build)
#
# Sources are globbed so that a new area (src/<area>.c, sql/NN_<area>.sql,
# test/sql/<area>.sql) needs no edit here.  The install script for the
# current version is concatenated from sql/*.sql in file-name order.

EXTENSION = retention
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" retention.control)

MODULE_big = retention
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*--*.sql))

# pg_regress reads test/sql/<name>.sql and test/expected/<name>.out, where
# test/expected is a link to the top-level expected/ directory.
REGRESS = $(sort $(basename $(notdir $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=test --load-extension=$(EXTENSION)

EXTRA_CLEAN = $(DATA_built) results regression.diffs regression.out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

SQL_SOURCES = $(sort $(filter-out sql/$(EXTENSION)--%,$(wildcard sql/*.sql)))

$(DATA_built): $(SQL_SOURCES) retention.control
	cat $(SQL_SOURCES) > $@

# A release archive named after the version, from the committed tree.
dist:
	git archive --format=tar.gz --prefix=$(EXTENSION)-$(EXTVERSION)/ \
		-o $(EXTENSION)-$(EXTVERSION).tar.gz HEAD

.PHONY: dist
