FROM ruby:3.3
WORKDIR /rails
RUN bundle config set --local deployment true
COPY Gemfile Gemfile.lock ./
RUN bundle install
