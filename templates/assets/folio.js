// folio: progressive enhancements. Every page works without this script.
"use strict";
