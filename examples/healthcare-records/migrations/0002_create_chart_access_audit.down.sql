DROP TABLE clinic.chart_access_audit;
