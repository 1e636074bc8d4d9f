DROP TABLE clinic.encounters;
