# strip.awk — turns a solution file into a student skeleton.
#
#     /* BEGIN SOLUTION
#      * TODO(lab NN): what to write (one or more lines)
#      * STUB: code that compiles and fails cleanly (one or more lines)
#      */
#     ...reference code...
#     /* END SOLUTION */
#
# becomes the TODO comment followed by the STUB lines, at the indentation of
# the BEGIN line. Malformed regions are fatal (exit 1), never half-stripped.
function fatal(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
    failed = 1
    exit 1
}
state == 0 && /^[ \t]*\/\* BEGIN SOLUTION[ \t]*$/ {
    indent = $0; sub(/\/\*.*/, "", indent)
    ntodo = 0; nstub = 0; state = 1; start = FNR
    next
}
state == 0 && /(BEGIN|END) SOLUTION/ { fatal("marqueur de solution inattendu") }
state == 0 { print; next }
state == 1 && /^[ \t]*\*\/[ \t]*$/ {
    if (ntodo == 0) fatal("région de solution sans ligne TODO")
    for (i = 1; i <= ntodo; i++)
        print indent (i == 1 ? "/* " : " * ") todo[i]
    print indent " */"
    for (i = 1; i <= nstub; i++) print indent stub[i]
    state = 2
    next
}
state == 1 && /^[ \t]*\* STUB: / { line = $0; sub(/^[ \t]*\* STUB: /, "", line); stub[++nstub] = line; next }
state == 1 && /^[ \t]*\*( |$)/ { line = $0; sub(/^[ \t]*\* ?/, "", line); todo[++ntodo] = line; next }
state == 1 { fatal("ligne inattendue dans l'en-tête de la région de solution") }
state == 2 && /^[ \t]*\/\* END SOLUTION \*\/[ \t]*$/ { state = 0; next }
state == 2 && /(BEGIN|END) SOLUTION/ { fatal("marqueur de solution mal placé") }
state == 2 { next }
END {
    if (!failed && state != 0) {
        printf "%s: région de solution ouverte ligne %d jamais fermée\n", FILENAME, start > "/dev/stderr"
        exit 1
    }
}
