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

PROG_SRCS := $(wildcard solutions/*/*.c labs/*/*.c grader/fakes/*.c) \
             common/tests/test_common.c
PROGS     := $(patsubst %.c,$(BUILD)/%,$(PROG_SRCS))
# Lab numbers from the folder names (solutions/ may be absent in the students' copy).
LAB_NUMS    := $(sort $(foreach d,$(notdir $(wildcard solutions/[0-9][0-9]_* labs/[0-9][0-9]_*)),$(firstword $(subst _, ,$(d)))))
LAB_TARGETS := $(addprefix lab,$(LAB_NUMS))

GRADE := bash grader/grade.sh

.PHONY: all help $(LAB_TARGETS) grade gradebook test clean deps skeletons prog dist mutate
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
	@echo "  make mutate LAB=NN [JOBS=2] [ONLY=id,...]"
	@echo "                    tests de mutation du lab NN : score, survivants (mainteneurs)"
	@echo "  make dist         archive étudiante $(BUILD)/dist/tp-reseau.tar.gz, sans solutions ni mutants"
	@echo "  make deps         installe les outils manquants (bats, bats-assert, bats-support, valgrind)"
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

$(BUILD)/%: %.c $(LIBCOMMON) $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Icommon -o $@ $< $(LIBCOMMON) $(LDLIBS)

# Used by the grader: one program from any source file, into any path.
prog: $(LIBCOMMON)
	@mkdir -p $(dir $(OUT))
	$(CC) $(CFLAGS) -I$(CURDIR)/common -o $(OUT) $(SRC) $(LIBCOMMON) $(LDLIBS)

# The grader compiles student code itself (in its sandbox) with these.
export CC CFLAGS LDLIBS

$(LAB_TARGETS): lab%: deps
	@exec $(GRADE) --strict --tree "$(TREE)" $*

# A lab that does not exist (yet): say which ones do.
lab%:
	@echo "Le lab $* n'existe pas. Labs disponibles : $(LAB_NUMS)" >&2; exit 2

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

# The students' archive: the last commit, without solutions/ or mutants.
dist:
	@bash grader/dist.sh "$(BUILD)/dist/tp-reseau.tar.gz"

deps:
	@bash grader/deps.sh

clean:
	rm -rf $(BUILD)
