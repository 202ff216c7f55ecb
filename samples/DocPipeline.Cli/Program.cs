// The docpipe tool: commands arrive with the ingestion issue.
return 0;
