# Suite de TP « Programmation réseau en C » — point d'entrée unique.
# Les compilations se font hors des sources, dans $(BUILD).

CC      ?= cc
# DWARF 4: valgrind 3.19 cannot read the DWARF 5 that clang 14 emits.
CFLAGS  ?= -std=c11 -Wall -Wextra -Werror -pedantic -g -gdwarf-4 -O2
LDLIBS  ?= -pthread
BUILD   ?= build
TREE    ?= labs

COMMON_SRCS := $(wildcard common/*.c)
COMMON_HDRS := $(wildcard common/*.h)
COMMON_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(COMMON_SRCS))
LIBCOMMON   := $(BUILD)/libcommon.a

# A lab's .c with a header of the same name (dns_parse.c) is a unit, not a
# program: it is linked into every program of its folder.
LAB_SRCS  := $(wildcard solutions/*/*.c labs/*/*.c)
UNIT_SRCS := $(foreach c,$(LAB_SRCS),$(if $(wildcard $(c:.c=.h)),$(c)))
UNIT_HDRS := $(UNIT_SRCS:.c=.h)
PROG_SRCS := $(filter-out $(UNIT_SRCS),$(LAB_SRCS)) $(wildcard grader/fakes/*.c) \
             common/tests/test_common.c
PROGS     := $(patsubst %.c,$(BUILD)/%,$(PROG_SRCS))
# Lab numbers from the folder names (solutions/ may be absent in the students' copy).
LAB_NUMS    := $(sort $(foreach d,$(notdir $(wildcard solutions/[0-9][0-9]_* labs/[0-9][0-9]_*)),$(firstword $(subst _, ,$(d)))))
LAB_TARGETS := $(addprefix lab,$(LAB_NUMS))

# The grader's own tools are built once in $(BUILD)/tools, then reused.
GRADE := env GRADER_TOOLS="$(BUILD)/tools" bash grader/grade.sh

.PHONY: all help lab labs $(LAB_TARGETS) grade gradebook test clean deps skeletons prog dist fuzz mutate mutants-tests
.DEFAULT_GOAL := all

all: $(PROGS)

help:
	@echo "Cibles :"
	@echo "  make              compile les solutions, les squelettes et les outils du correcteur (dans $(BUILD)/)"
	@echo "  make labNN        compile labs/NN_* et lance ses tests, avec un rapport détaillé (ex. : make lab01)"
	@echo "  make grade        note tous les labs de labs/ : tableau des scores + $(BUILD)/grade/results.json (Gradescope)"
	@echo "  make gradebook SUBMISSIONS=dossier"
	@echo "                    note chaque copie du dossier : $(BUILD)/grade/carnet.csv + un rapport par étudiant"
	@echo "  make test         vérifie la suite : tests de common/, solutions à 100/100, squelettes, mutants"
	@echo "  make skeletons    régénère labs/ à partir de solutions/ (mainteneurs)"
	@echo "  make fuzz         fuzz l'analyseur DNS du lab 05 (libFuzzer + ASan + UBSan, FUZZ_SECONDS=60)"
	@echo "  make mutate LAB=NN [JOBS=2] [ONLY=id,...]"
	@echo "                    tests de mutation du lab NN : score, survivants (mainteneurs)"
	@echo "  make mutants-tests [LAB=NN]"
	@echo "                    enregistre le test qui tue chaque mutant de make test (mainteneurs)"
	@echo "  make dist         archive étudiante $(BUILD)/dist/tp-reseau.tar.gz, sans solutions ni mutants"
	@echo "  make deps         installe les outils manquants (bats, valgrind, bubblewrap…)"
	@echo "  make clean        supprime $(BUILD)/"
	@echo "Variables :"
	@echo "  TREE=chemin       arbre à noter (défaut : labs ; TREE=solutions pour la référence ;"
	@echo "                    ou la copie d'un étudiant : dépôt entier ou dossier labs/)"
	@echo "  T=regex           ne lance que les tests dont le nom correspond"
	@echo "  NOVALGRIND=1      saute les tests mémoire (itérations rapides)"
	@echo "  SEED=n            rejoue les données aléatoires d'une exécution précédente"
	@echo "  CC=clang          compile avec clang ; NO_COLOR=1 désactive les couleurs"

$(BUILD)/%.o: %.c $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Icommon -c -o $@ $<

$(LIBCOMMON): $(COMMON_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%: %.c $(LIBCOMMON) $(COMMON_HDRS) $(UNIT_SRCS) $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Icommon -o $@ $< $(filter $(dir $<)%,$(UNIT_SRCS)) $(LIBCOMMON) $(LDLIBS)

# The DNS parser of lab 05 (the reference, or the student's own in the
# students' archive): unit tests, and a libFuzzer target with ASan + UBSan.
DNS_DIR      ?= $(if $(wildcard solutions/05_dns/dns_parse.c),solutions,labs)/05_dns
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
DNS_TEST     := $(BUILD)/grader/fuzz/dns_parse_test
DNS_FUZZ     := $(BUILD)/fuzz/dns_parse_fuzz

ifneq ($(wildcard $(DNS_DIR)/dns_parse.c),)
all: $(DNS_TEST)
endif

$(DNS_TEST): grader/fuzz/dns_parse_test.c $(DNS_DIR)/dns_parse.c $(DNS_DIR)/dns_parse.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(DNS_DIR) -o $@ $< $(DNS_DIR)/dns_parse.c

$(DNS_FUZZ): grader/fuzz/dns_parse_fuzz.c $(DNS_DIR)/dns_parse.c $(DNS_DIR)/dns_parse.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -I$(DNS_DIR) -o $@ $< $(DNS_DIR)/dns_parse.c

# New inputs go to $(BUILD)/fuzz/corpus; the committed seeds stay as they are.
fuzz: $(DNS_FUZZ)
	@mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/crashes
	$(DNS_FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=1024 -timeout=5 \
	    -artifact_prefix=$(BUILD)/fuzz/crashes/ $(BUILD)/fuzz/corpus grader/fuzz/corpus

# Used by the grader: one program from any source file, into any path.
prog: $(LIBCOMMON)
	@mkdir -p $(dir $(OUT))
	$(CC) $(CFLAGS) -I$(CURDIR)/common -o $(OUT) $(SRC) $(LIBCOMMON) $(LDLIBS)

# The grader compiles student code itself (in its sandbox) with these.
export CC CFLAGS LDLIBS

$(LAB_TARGETS): lab%: deps
	@exec $(GRADE) --strict --tree "$(TREE)" $*

# The list of labs, and a lab that does not exist (yet): say which ones do;
# « make lab3 » means lab03.
LAB_LIST = for d in $(sort $(wildcard labs/[0-9][0-9]_*)); do n=$${d\#labs/}; echo "  make lab$${n%%_*}   ($${n\#*_})"; done

lab labs:
	@echo "Labs disponibles (make labNN lance les tests du lab NN) :"; $(LAB_LIST)

lab%:
	@case "$*" in [1-9]) if [ -n "$(filter 0$*,$(LAB_NUMS))" ]; then \
	    echo "Le lab $* s'écrit avec deux chiffres : voulez-vous dire make lab0$* ?" >&2; exit 2; fi ;; esac; \
	echo "Le lab $* n'existe pas. Labs disponibles :" >&2; $(LAB_LIST) >&2; exit 2

grade: deps
	@exec $(GRADE) --tree "$(TREE)" --json "$(BUILD)/grade/results.json" all

gradebook: deps
	@test -n "$(SUBMISSIONS)" || { echo "make gradebook : indiquez SUBMISSIONS=dossier des copies (un sous-dossier par étudiant)" >&2; exit 2; }
	@exec bash grader/gradebook.sh "$(SUBMISSIONS)" "$(BUILD)/grade/carnet.csv"

# In the students' archive (no solutions/), the suite's self-test is not offered.
test:
	@if [ ! -d solutions ]; then \
	    echo "make test vérifie la suite elle-même (solutions de référence, mutants) : il n'est pas proposé dans l'archive étudiante. Utilisez make labNN." >&2; exit 2; fi
	@bash grader/selftest.sh

skeletons:
	for f in grader/tests/[0-9][0-9]_*.bats; do python3 grader/lib/rubric.py table --write "$$f" || exit 1; done
	bash grader/gen_skeletons.sh solutions labs

# Mutation testing of one lab's solution regions (grader/mutate.py).
mutate: deps
	@test -n "$(LAB)" || { echo "make mutate : indiquez LAB=NN (ex. : make mutate LAB=01)" >&2; exit 2; }
	@exec python3 grader/mutate.py $(if $(JOBS),--jobs $(JOBS)) $(if $(ONLY),--only $(ONLY)) $(LAB)

# Records the test that kills each mutant of make test (grader/record_tests.sh).
mutants-tests: deps
	@exec bash grader/record_tests.sh $(LAB)

# The students' archive: the last commit, without solutions/ or mutants.
dist:
	@bash grader/dist.sh "$(BUILD)/dist/tp-reseau.tar.gz"

deps:
	@bash grader/deps.sh

clean:
	rm -rf $(BUILD)
