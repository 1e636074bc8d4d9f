#!/bin/sh
# A command hook: Confiture passes the context as JSON on stdin and CONFITURE_* variables.
mkdir -p "$CONFITURE_PROJECT_DIR/run-log"
echo "$CONFITURE_AT $CONFITURE_RUN_KIND $CONFITURE_DATABASE $CONFITURE_MIGRATION_VERSION $CONFITURE_MIGRATION_NAME $CONFITURE_OUTCOME" >> "$CONFITURE_PROJECT_DIR/run-log/changelog.txt"
