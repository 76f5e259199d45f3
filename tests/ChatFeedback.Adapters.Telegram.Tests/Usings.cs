global using ChatFeedback.Adapters;
