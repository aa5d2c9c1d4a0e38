# score.awk — joins a lab's rubric with bats' TAP output.
# Input: rubric file (points<TAB>name<TAB>hint), then the TAP stream.
# Output, per rubric entry in rubric order:
#   R<TAB>status<TAB>earned<TAB>max<TAB>name<TAB>hint<TAB>detail
#   D<TAB>diagnostic line          (zero or more)
# status: pass, fail, skip (not run, with reason in detail), missing (no
# result: bats was stopped), filtered (not selected by T=).
# Tests in the TAP output that the rubric lacks are reported as U lines.
BEGIN { FS = "\t" }
FNR == NR {
    if ($0 ~ /^[ \t]*(#|$)/) next
    n++; pts[n] = $1 + 0; name[n] = $2; hint[n] = $3; idx[$2] = n
    next
}
/^(not )?ok [0-9]+ / {
    line = $0
    st = (line ~ /^ok/) ? "pass" : "fail"
    sub(/^(not )?ok [0-9]+ /, "", line)
    reason = ""
    if (st == "pass" && (p = index(line, " # skip")) > 0) {
        reason = substr(line, p + 7)
        sub(/^ *\(?/, "", reason); sub(/\)$/, "", reason)
        line = substr(line, 1, p - 1)
        st = "skip"
    }
    if (line in idx) { cur = idx[line]; status[cur] = st; detail[cur] = reason }
    else { cur = 0; print "U\t" line }
    next
}
/^#( |$)/ {
    if (!cur || $0 ~ /^# +\(?(in test file|from function) /) next
    text = substr($0, 3)
    # bats names the failed command in English: say it in French.
    if (text ~ /^  `.*' failed$/) { sub(/^  `/, "échec de : ", text); sub(/' failed$/, "", text) }
    diag[cur] = diag[cur] "D\t" text "\n"
    next
}
END {
    for (i = 1; i <= n; i++) {
        st = (i in status) ? status[i] : "missing"
        if (filter != "" && name[i] !~ filter) st = "filtered"
        printf "R\t%s\t%d\t%d\t%s\t%s\t%s\n", st, (st == "pass") ? pts[i] : 0, pts[i], name[i], hint[i], detail[i]
        printf "%s", diag[i]
    }
}
